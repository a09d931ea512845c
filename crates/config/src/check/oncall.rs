//! The on-call sections (`users`, `schedules`, `escalation_policies`): read field by field, then checked by `domain::oncall`'s own rules, each problem mapped back to its line.

use std::ops::RangeInclusive;
use std::time::Duration;

use domain::oncall::{
    Contact, EscalationPolicy, EscalationTier, Handoff, Layer, Override, PolicyProblem,
    Restriction, Rotation, Schedule, ScheduleProblem, Target, TimeOfDayRange, User, WeekdayRange,
    validate, validate_policy,
};
use domain::{ChannelId, EscalationPolicyId, IdError, ScheduleId, Timestamp, UserId};
use jiff::civil::{Date, Time, Weekday};

use super::{At, Checker, Drafts, Fields, child, index};
use crate::duration::parse_duration;
use crate::suggest;
use crate::yaml::{Kind, Mark, Node};

/// Bounds of `escalation_policies[].repeat`: rounds after the first.
pub const REPEAT_RANGE: RangeInclusive<u32> = 0..=9;

const USER_KEYS: &[&str] = &["id", "name", "contacts"];
const CONTACT_KEYS: &[&str] = &["email", "slack", "phone", "webhook"];
const SCHEDULE_KEYS: &[&str] = &["id", "name", "time_zone", "layers", "overrides"];
const LAYER_KEYS: &[&str] = &["name", "users", "rotation", "handoff", "start", "restriction"];
const HANDOFF_KEYS: &[&str] = &["time", "weekday"];
const RESTRICTION_KEYS: &[&str] = &["days", "time"];
const OVERRIDE_KEYS: &[&str] = &["user", "start", "end"];
const POLICY_KEYS: &[&str] = &["id", "name", "repeat", "tiers"];
const TIER_KEYS: &[&str] = &["targets", "delay"];
const TARGET_KEYS: &[&str] = &["user", "schedule", "channel"];
const WEEKDAYS: [(&str, Weekday); 7] = [
    ("monday", Weekday::Monday),
    ("tuesday", Weekday::Tuesday),
    ("wednesday", Weekday::Wednesday),
    ("thursday", Weekday::Thursday),
    ("friday", Weekday::Friday),
    ("saturday", Weekday::Saturday),
    ("sunday", Weekday::Sunday),
];

/// A user as read; `user` is set only when nothing in it was wrong.
#[derive(Default)]
pub(super) struct UserDraft {
    pub id: Option<At<UserId>>,
    /// Channels named by webhook contacts, checked against `notify:`.
    pub channels: Vec<At<ChannelId>>,
    pub user: Option<User>,
}

/// A schedule as read; `schedule` is set only when nothing in it was wrong.
#[derive(Default)]
pub(super) struct ScheduleDraft {
    pub id: Option<At<ScheduleId>>,
    /// Users named by layers and overrides, checked against `users:`.
    pub users: Vec<At<UserId>>,
    pub schedule: Option<Schedule>,
}

/// A policy as read; `policy` is set only when nothing in it was wrong.
#[derive(Default)]
pub(super) struct PolicyDraft {
    pub id: Option<At<EscalationPolicyId>>,
    pub users: Vec<At<UserId>>,
    pub schedules: Vec<At<ScheduleId>>,
    pub channels: Vec<At<ChannelId>>,
    pub policy: Option<EscalationPolicy>,
}

impl Checker<'_> {
    pub(super) fn read_oncall_sections(&mut self, root: &Fields<'_>, drafts: &mut Drafts) {
        if let Some(node) = root.get("users")
            && let Some(items) = self.list(node, "users", "users")
        {
            for (position, item) in items.iter().enumerate() {
                drafts.users.push(self.read_user(item, &index("users", position)));
            }
        }
        if let Some(node) = root.get("schedules")
            && let Some(items) = self.list(node, "schedules", "schedules")
        {
            for (position, item) in items.iter().enumerate() {
                drafts.schedules.push(self.read_schedule(item, &index("schedules", position)));
            }
        }
        if let Some(node) = root.get("escalation_policies")
            && let Some(items) = self.list(node, "escalation_policies", "escalation policies")
        {
            for (position, item) in items.iter().enumerate() {
                let path = index("escalation_policies", position);
                drafts.escalation_policies.push(self.read_policy(item, &path));
            }
        }
    }

    // ----- users --------------------------------------------------------

    fn read_user(&mut self, node: &Node, path: &str) -> UserDraft {
        let errors_before = self.diagnostics.len();
        let mut draft = UserDraft::default();
        let Some(fields) = self.fields(node, path, "a user", USER_KEYS) else { return draft };
        if let Some(node) = self.required(&fields, "id") {
            draft.id = self.id(node, &fields.path("id"), "user id", UserId::parse);
        }
        let name =
            fields.get("name").and_then(|node| self.non_empty_string(node, &fields.path("name")));
        let mut contacts = Vec::new();
        if let Some(node) = self.required(&fields, "contacts") {
            let path = fields.path("contacts");
            if let Some(items) = self.list(node, &path, "contacts") {
                if items.is_empty() {
                    self.error(
                        node.mark,
                        &path,
                        "a user needs at least one contact, or nobody can reach them",
                    );
                }
                for (position, item) in items.iter().enumerate() {
                    let item_path = index(&path, position);
                    if let Some(contact) = self.contact(item, &item_path, &mut draft.channels) {
                        contacts.push(contact);
                    }
                }
            }
        }
        if self.diagnostics.len() == errors_before
            && let Some(id) = &draft.id
        {
            let name = name.unwrap_or_else(|| id.value.to_string());
            draft.user = Some(User { id: id.value.clone(), name, contacts });
        }
        draft
    }

    fn contact(
        &mut self,
        node: &Node,
        path: &str,
        channels: &mut Vec<At<ChannelId>>,
    ) -> Option<Contact> {
        let errors_before = self.diagnostics.len();
        let fields = self.fields(node, path, "a contact", CONTACT_KEYS)?;
        let (kind, value) = self.one_of(&fields, "a contact", CONTACT_KEYS, errors_before)?;
        let path = fields.path(kind);
        let contact = match kind {
            "webhook" => {
                let channel = self.id(value, &path, "channel id", ChannelId::parse)?;
                channels.push(channel.clone());
                Contact::Webhook(channel.value)
            }
            "email" => {
                let address = self.string(value, &path)?;
                let parts = address.split_once('@');
                let valid = parts.is_some_and(|(local, domain)| {
                    !local.is_empty() && domain.contains('.') && !domain.contains('@')
                }) && !address.chars().any(char::is_whitespace);
                if !valid {
                    let message = format!("invalid email address `{address}`");
                    self.error(value.mark, &path, message);
                    return None;
                }
                Contact::Email(address)
            }
            "slack" => {
                let member = self.non_empty_string(value, &path)?;
                if member.chars().any(char::is_whitespace) {
                    let message = format!(
                        "invalid Slack member id or channel `{member}`: expected e.g. U024BE7LH or #noc"
                    );
                    self.error(value.mark, &path, message);
                    return None;
                }
                Contact::Slack(member)
            }
            _ => {
                let number = self.string(value, &path)?;
                let digits = number.strip_prefix('+').unwrap_or_default();
                let valid = (2..=15).contains(&digits.len())
                    && digits.bytes().all(|b| b.is_ascii_digit())
                    && !digits.starts_with('0');
                if !valid {
                    let message = format!(
                        "invalid phone number `{number}`: expected E.164, a `+` and 2 to 15 digits \
                         without spaces, e.g. \"+4930123456\" (quote it in YAML)"
                    );
                    self.error(value.mark, &path, message);
                    return None;
                }
                Contact::Phone(number)
            }
        };
        Some(contact)
    }

    /// The one key of a mapping such as `{email: …}` or `{schedule: …}`.
    /// Says nothing more when [`Checker::fields`] reported an unknown key
    /// (since `errors_before`).
    fn one_of<'n>(
        &mut self,
        fields: &Fields<'n>,
        what: &str,
        keys: &[&str],
        errors_before: usize,
    ) -> Option<(&'n str, &'n Node)> {
        let expected = keys.join(", ");
        match fields.entries.as_slice() {
            [] if self.diagnostics.len() > errors_before => None,
            [] => {
                let message = format!("{what} needs one of: {expected}");
                self.error(fields.mark, &fields.path, message);
                None
            }
            [(name, key, value)] => {
                if value.is_null() {
                    let message = format!("`{name}` needs a value");
                    self.error(key.mark, &fields.path(name), message);
                    return None;
                }
                Some((name, value))
            }
            [(first, _, _), (second, key, _), ..] => {
                let message = format!(
                    "{what} takes exactly one of {expected}; found `{first}` and `{second}` \
                     (write each as its own list item)"
                );
                self.error(key.mark, &fields.path(second), message);
                None
            }
        }
    }

    // ----- schedules ----------------------------------------------------

    fn read_schedule(&mut self, node: &Node, path: &str) -> ScheduleDraft {
        let errors_before = self.diagnostics.len();
        let mut draft = ScheduleDraft::default();
        let Some(fields) = self.fields(node, path, "a schedule", SCHEDULE_KEYS) else {
            return draft;
        };
        if let Some(node) = self.required(&fields, "id") {
            draft.id = self.id(node, &fields.path("id"), "schedule id", ScheduleId::parse);
        }
        let name =
            fields.get("name").and_then(|node| self.non_empty_string(node, &fields.path("name")));
        let time_zone = self
            .required(&fields, "time_zone")
            .and_then(|node| self.non_empty_string(node, &fields.path("time_zone")));
        let mut layers = Vec::new();
        if let Some(node) = self.required(&fields, "layers") {
            let path = fields.path("layers");
            if let Some(items) = self.list(node, &path, "layers") {
                for (position, item) in items.iter().enumerate() {
                    let layer_path = index(&path, position);
                    layers.push(self.read_layer(item, &layer_path, position, &mut draft.users));
                }
            }
        }
        let mut overrides = Vec::new();
        if let Some(node) = fields.get("overrides") {
            let path = fields.path("overrides");
            if let Some(items) = self.list(node, &path, "overrides") {
                for (position, item) in items.iter().enumerate() {
                    let item_path = index(&path, position);
                    if let Some(item) = self.read_override(item, &item_path, &mut draft.users) {
                        overrides.push(item);
                    }
                }
            }
        }
        // What could not be read is filled in so that the schedule's own
        // rules still run; their findings in a part already reported are
        // dropped below, and the schedule is kept only if nothing was wrong.
        let Some(id) = draft
            .id
            .as_ref()
            .map(|id| id.value.clone())
            .or_else(|| placeholder_id(ScheduleId::parse))
        else {
            return draft;
        };
        let schedule = Schedule {
            name: name.unwrap_or_else(|| id.to_string()),
            id,
            time_zone: time_zone.unwrap_or_else(|| "UTC".to_owned()),
            layers,
            overrides,
        };
        let problems = validate(&schedule).into_iter().map(|problem| {
            let areas = match &problem {
                ScheduleProblem::EmptyOverride { index } => vec![format!("overrides[{index}]")],
                ScheduleProblem::OverlappingOverrides { first, second } => {
                    vec![format!("overrides[{first}]"), format!("overrides[{second}]")]
                }
                _ => vec![problem.path()],
            };
            Problem { path: problem.path(), areas, message: problem.to_string() }
        });
        let problems: Vec<Problem> = problems.collect();
        self.report_problems(node, path, errors_before, problems);
        if self.diagnostics.len() == errors_before && draft.id.is_some() {
            draft.schedule = Some(schedule);
        }
        draft
    }

    /// A layer; parts that could not be read are placeholders (and reported).
    fn read_layer(
        &mut self,
        node: &Node,
        path: &str,
        position: usize,
        users: &mut Vec<At<UserId>>,
    ) -> Layer {
        let mut layer = Layer {
            name: format!("#{position}"),
            users: Vec::new(),
            rotation: Rotation::Daily,
            handoff: Handoff { time: Time::midnight(), weekday: None },
            start: Date::constant(2000, 1, 1),
            restriction: None,
        };
        let Some(fields) = self.fields(node, path, "a layer", LAYER_KEYS) else { return layer };
        if let Some(node) = self.required(&fields, "name")
            && let Some(name) = self.non_empty_string(node, &fields.path("name"))
        {
            layer.name = name;
        }
        if let Some(node) = self.required(&fields, "users") {
            let listed = self.id_list(Some(node), &fields.path("users"), "user id", UserId::parse);
            layer.users = listed.iter().map(|user| user.value.clone()).collect();
            users.extend(listed);
        }
        if let Some(node) = self.required(&fields, "rotation")
            && let Some(rotation) = self.rotation(node, &fields.path("rotation"))
        {
            layer.rotation = rotation;
        }
        if let Some(node) = self.required(&fields, "handoff")
            && let Some(handoff) = self.handoff(node, &fields.path("handoff"))
        {
            layer.handoff = handoff;
        }
        if let Some(node) = self.required(&fields, "start")
            && let Some(start) = self.date(node, &fields.path("start"))
        {
            layer.start = start;
        }
        if let Some(node) = fields.get("restriction") {
            let path = fields.path("restriction");
            if let Some(items) = self.list(node, &path, "restriction windows") {
                let windows = items
                    .iter()
                    .enumerate()
                    .filter_map(|(position, item)| self.restriction(item, &index(&path, position)))
                    .collect();
                layer.restriction = Some(windows);
            }
        }
        layer
    }

    fn rotation(&mut self, node: &Node, path: &str) -> Option<Rotation> {
        let text = self.string(node, path)?;
        match text.as_str() {
            "daily" => return Some(Rotation::Daily),
            "weekly" => return Some(Rotation::Weekly),
            _ => {}
        }
        if let Ok(length) = parse_duration(&text) {
            return Some(Rotation::Custom(length));
        }
        let hint = suggest::hint(&text, ["daily", "weekly"]);
        let message = format!(
            "invalid rotation `{text}`{hint}; expected daily, weekly or a duration from 1h to \
             366d such as 12h or 3d"
        );
        self.error(node.mark, path, message);
        None
    }

    fn handoff(&mut self, node: &Node, path: &str) -> Option<Handoff> {
        let fields = self.fields(node, path, "a hand-off (time and weekday)", HANDOFF_KEYS)?;
        let time = self
            .required(&fields, "time")
            .and_then(|node| self.time_of_day(node, &fields.path("time")));
        let weekday = match fields.get("weekday") {
            Some(node) => Some(self.weekday(node, &fields.path("weekday"))?),
            None => None,
        };
        Some(Handoff { time: time?, weekday })
    }

    pub(super) fn restriction(&mut self, node: &Node, path: &str) -> Option<Restriction> {
        let fields = self.fields(node, path, "a restriction window", RESTRICTION_KEYS)?;
        let weekdays = match fields.get("days") {
            Some(node) => self.weekday_range(node, &fields.path("days")),
            None => Some(WeekdayRange::EVERY_DAY),
        };
        let time = match fields.get("time") {
            Some(node) => self.time_range(node, &fields.path("time")),
            None => Some(TimeOfDayRange { start: Time::midnight(), end: Time::midnight() }),
        };
        Some(Restriction { weekdays: weekdays?, time: time? })
    }

    /// `monday`, or an inclusive range `monday-friday` (which may wrap: `friday-monday`).
    fn weekday_range(&mut self, node: &Node, path: &str) -> Option<WeekdayRange> {
        let text = self.string(node, path)?;
        let Some((first, last)) = text.split_once('-') else {
            let day = self.weekday_word(text.trim(), node.mark, path)?;
            return Some(WeekdayRange { first: day, last: day });
        };
        let first = self.weekday_word(first.trim(), node.mark, path);
        let last = self.weekday_word(last.trim(), node.mark, path);
        Some(WeekdayRange { first: first?, last: last? })
    }

    fn weekday(&mut self, node: &Node, path: &str) -> Option<Weekday> {
        let text = self.string(node, path)?;
        self.weekday_word(&text, node.mark, path)
    }

    fn weekday_word(&mut self, word: &str, mark: Mark, path: &str) -> Option<Weekday> {
        if let Some((_, day)) = WEEKDAYS.iter().find(|(name, _)| *name == word) {
            return Some(*day);
        }
        let names = || WEEKDAYS.iter().map(|(name, _)| *name);
        let hint = suggest::hint(word, names());
        let expected = names().collect::<Vec<_>>().join(", ");
        self.error(
            mark,
            path,
            format!("invalid weekday `{word}`{hint}; expected one of: {expected}"),
        );
        None
    }

    /// `HH:MM`, 24-hour, in the schedule's time zone.
    fn time_of_day(&mut self, node: &Node, path: &str) -> Option<Time> {
        let text = self.string(node, path)?;
        let parsed = parse_time_of_day(&text);
        if parsed.is_none() {
            let message =
                format!("invalid time of day `{text}`: expected HH:MM (24-hour), e.g. \"09:00\"");
            self.error(node.mark, path, message);
        }
        parsed
    }

    /// `HH:MM-HH:MM`; an end not after the start runs past midnight.
    fn time_range(&mut self, node: &Node, path: &str) -> Option<TimeOfDayRange> {
        let text = self.string(node, path)?;
        let parsed = text.split_once('-').and_then(|(start, end)| {
            let start = parse_time_of_day(start.trim())?;
            let end = parse_time_of_day(end.trim())?;
            Some(TimeOfDayRange { start, end })
        });
        if parsed.is_none() {
            let message = format!(
                "invalid time range `{text}`: expected HH:MM-HH:MM, e.g. \"09:00-17:00\" \
                 (\"22:00-06:00\" runs past midnight)"
            );
            self.error(node.mark, path, message);
        }
        parsed
    }

    fn date(&mut self, node: &Node, path: &str) -> Option<Date> {
        let text = self.string(node, path)?;
        let parsed = (text.len() == 10).then(|| text.parse::<Date>().ok()).flatten();
        if parsed.is_none() {
            self.error(
                node.mark,
                path,
                format!("invalid date `{text}`: expected YYYY-MM-DD, e.g. 2026-01-05"),
            );
        }
        parsed
    }

    fn instant(&mut self, node: &Node, path: &str) -> Option<Timestamp> {
        let text = self.string(node, path)?;
        match text.parse::<Timestamp>() {
            Ok(at) => Some(at),
            Err(_) => {
                let message = format!(
                    "invalid time `{text}`: expected RFC 3339 with an offset, \
                     e.g. \"2026-06-03T14:00:00+02:00\""
                );
                self.error(node.mark, path, message);
                None
            }
        }
    }

    /// An override; `None` only when its user cannot stand in (the rest is
    /// filled with an empty stretch, which the schedule's rules ignore).
    fn read_override(
        &mut self,
        node: &Node,
        path: &str,
        users: &mut Vec<At<UserId>>,
    ) -> Option<Override> {
        let empty = Timestamp::UNIX_EPOCH;
        let mut user = None;
        let (mut start, mut end) = (None, None);
        if let Some(fields) = self.fields(node, path, "an override", OVERRIDE_KEYS) {
            if let Some(node) = self.required(&fields, "user") {
                user = self.id(node, &fields.path("user"), "user id", UserId::parse);
            }
            start = self
                .required(&fields, "start")
                .and_then(|node| self.instant(node, &fields.path("start")));
            end = self
                .required(&fields, "end")
                .and_then(|node| self.instant(node, &fields.path("end")));
        }
        if let Some(user) = &user {
            users.push(user.clone());
        }
        let user = user.map(|user| user.value).or_else(|| placeholder_id(UserId::parse))?;
        match (start, end) {
            (Some(start), Some(end)) => Some(Override { user, start, end }),
            _ => Some(Override { user, start: empty, end: empty }),
        }
    }

    // ----- escalation policies ------------------------------------------

    fn read_policy(&mut self, node: &Node, path: &str) -> PolicyDraft {
        let errors_before = self.diagnostics.len();
        let mut draft = PolicyDraft::default();
        let Some(fields) = self.fields(node, path, "an escalation policy", POLICY_KEYS) else {
            return draft;
        };
        if let Some(node) = self.required(&fields, "id") {
            let id_path = fields.path("id");
            draft.id = self.id(node, &id_path, "escalation policy id", EscalationPolicyId::parse);
        }
        let name =
            fields.get("name").and_then(|node| self.non_empty_string(node, &fields.path("name")));
        let repeat = match fields.get("repeat") {
            Some(node) => self.integer(node, &fields.path("repeat"), REPEAT_RANGE).unwrap_or(0),
            None => 0,
        };
        let mut tiers = Vec::new();
        let mut delay_given = Vec::new();
        if let Some(node) = self.required(&fields, "tiers") {
            let path = fields.path("tiers");
            if let Some(items) = self.list(node, &path, "tiers") {
                for (position, item) in items.iter().enumerate() {
                    let (tier, given) = self.read_tier(item, &index(&path, position), &mut draft);
                    tiers.push(tier);
                    delay_given.push(given);
                }
            }
        }
        let Some(id) = draft
            .id
            .as_ref()
            .map(|id| id.value.clone())
            .or_else(|| placeholder_id(EscalationPolicyId::parse))
        else {
            return draft;
        };
        let policy =
            EscalationPolicy { name: name.unwrap_or_else(|| id.to_string()), id, tiers, repeat };
        let problems = validate_policy(&policy).into_iter().map(|problem| {
            let message = match problem {
                PolicyProblem::ZeroDelay { tier }
                    if !delay_given.get(tier).copied().unwrap_or(true) =>
                {
                    format!(
                        "tier {tier} needs a `delay`: how long it has before the next tier is \
                         notified (only the last tier of a policy that does not repeat may omit it)"
                    )
                }
                _ => problem.to_string(),
            };
            Problem { path: problem.path(), areas: vec![problem.path()], message }
        });
        let problems: Vec<Problem> = problems.collect();
        self.report_problems(node, path, errors_before, problems);
        if self.diagnostics.len() == errors_before && draft.id.is_some() {
            draft.policy = Some(policy);
        }
        draft
    }

    /// A tier, and whether its `delay` was given.
    fn read_tier(
        &mut self,
        node: &Node,
        path: &str,
        draft: &mut PolicyDraft,
    ) -> (EscalationTier, bool) {
        let mut tier = EscalationTier { targets: Vec::new(), delay: Duration::from_secs(60) };
        let Some(fields) = self.fields(node, path, "a tier", TIER_KEYS) else {
            return (tier, true);
        };
        if let Some(node) = self.required(&fields, "targets") {
            let path = fields.path("targets");
            if let Some(items) = self.list(node, &path, "targets") {
                for (position, item) in items.iter().enumerate() {
                    if let Some(target) = self.target(item, &index(&path, position), draft) {
                        tier.targets.push(target);
                    }
                }
            }
        }
        let given = fields.get("delay").is_some();
        match fields.get("delay") {
            Some(node) => {
                if let Some(delay) = self.duration(node, &fields.path("delay")) {
                    tier.delay = delay;
                }
            }
            None => tier.delay = Duration::ZERO,
        }
        (tier, given)
    }

    fn target(&mut self, node: &Node, path: &str, draft: &mut PolicyDraft) -> Option<Target> {
        let errors_before = self.diagnostics.len();
        let fields = self.fields(node, path, "a target", TARGET_KEYS)?;
        let (kind, value) = self.one_of(&fields, "a target", TARGET_KEYS, errors_before)?;
        let path = fields.path(kind);
        match kind {
            "user" => {
                let user = self.id(value, &path, "user id", UserId::parse)?;
                draft.users.push(user.clone());
                Some(Target::User(user.value))
            }
            "schedule" => {
                let schedule = self.id(value, &path, "schedule id", ScheduleId::parse)?;
                draft.schedules.push(schedule.clone());
                Some(Target::Schedule(schedule.value))
            }
            _ => {
                let channel = self.id(value, &path, "channel id", ChannelId::parse)?;
                draft.channels.push(channel.clone());
                Some(Target::Channel(channel.value))
            }
        }
    }

    // ----- problems from domain::oncall -----------------------------------

    /// Reports what `validate` or `validate_policy` found in the object at
    /// `path` (whose YAML is `node`), each at the line of the field it names.
    /// A problem in an area that already has a diagnostic (since
    /// `errors_before`: in it, around it or inside it), or whose key was
    /// misspelt, is left out: it comes from a placeholder for what could not
    /// be read.
    fn report_problems(
        &mut self,
        node: &Node,
        path: &str,
        errors_before: usize,
        problems: Vec<Problem>,
    ) {
        for problem in problems {
            let already_reported = problem.areas.iter().any(|area| {
                let area = child(path, area);
                let related = |field: &str| encloses(field, &area) || encloses(&area, field);
                self.diagnostics[errors_before..].iter().any(|d| related(&d.field))
                    || self.misspelt_paths.iter().any(|field| related(field))
            });
            if !already_reported {
                let mark = locate(node, &problem.path);
                self.error(mark, &child(path, &problem.path), problem.message);
            }
        }
    }
}

/// A problem found by `domain::oncall`, relative to its schedule or policy.
struct Problem {
    /// The field at fault: where it is reported.
    path: String,
    /// The parts whose earlier diagnostics explain it.
    areas: Vec<String>,
    message: String,
}

/// Whether the field `outer` is `inner` or contains it (`a.b` contains
/// `a.b.c` and `a.b[0]`).
fn encloses(outer: &str, inner: &str) -> bool {
    inner
        .strip_prefix(outer)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('.') || rest.starts_with('['))
}

/// A stand-in id for an object whose own id could not be read, so that its
/// other rules still run. (Parsing a fixed valid slug cannot fail.)
fn placeholder_id<T>(parse: fn(&str) -> Result<T, IdError>) -> Option<T> {
    parse("unnamed").ok()
}

fn parse_time_of_day(text: &str) -> Option<Time> {
    let (hour, minute) = text.split_once(':')?;
    let valid = |part: &str, max: usize| {
        (1..=max).contains(&part.len()) && part.bytes().all(|b| b.is_ascii_digit())
    };
    if !valid(hour, 2) || minute.len() != 2 || !valid(minute, 2) {
        return None;
    }
    Time::new(hour.parse().ok()?, minute.parse().ok()?, 0, 0).ok()
}

/// Where the field at `path` (`layers[1].users`, relative to `node`) is
/// written: its value, or its key when the value is empty, or the nearest
/// enclosing node that exists.
fn locate(node: &Node, path: &str) -> Mark {
    let mut current = node;
    for segment in path.split('.') {
        let (name, indexes) = segment.split_at(segment.find('[').unwrap_or(segment.len()));
        if !name.is_empty() {
            let Kind::Mapping(entries) = &current.kind else { return current.mark };
            let found = entries
                .iter()
                .find(|(key, _)| matches!(&key.kind, Kind::Scalar { value, .. } if value == name));
            let Some((key, value)) = found else { return current.mark };
            current = if value.is_null() { key } else { value };
        }
        for position in indexes.split(['[', ']']).filter(|part| !part.is_empty()) {
            let Kind::Sequence(items) = &current.kind else { return current.mark };
            let Some(item) = position.parse::<usize>().ok().and_then(|i| items.get(i)) else {
                return current.mark;
            };
            current = item;
        }
    }
    current.mark
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_of_day_are_24_hour_hh_mm() {
        assert_eq!(parse_time_of_day("09:00"), Some(Time::constant(9, 0, 0, 0)));
        assert_eq!(parse_time_of_day("9:30"), Some(Time::constant(9, 30, 0, 0)));
        assert_eq!(parse_time_of_day("23:59"), Some(Time::constant(23, 59, 0, 0)));
        for bad in ["24:00", "09:60", "0900", "09:0", "09:00:00", "", ":00", "-1:00", "09h00"] {
            assert_eq!(parse_time_of_day(bad), None, "{bad}");
        }
    }

    #[test]
    fn paths_are_located_in_the_tree() {
        let source = "id: a\nlayers:\n  - name: x\n    users: []\n  - name: y\noverrides:\n";
        let root = crate::yaml::parse(source).expect("valid").expect("a document");
        assert_eq!(locate(&root, "layers[0].users").line, 4);
        assert_eq!(locate(&root, "layers[1].name").line, 5);
        assert_eq!(locate(&root, "layers[1]").line, 5);
        assert_eq!(locate(&root, "layers[1].users").line, 5, "missing: the enclosing layer");
        assert_eq!(locate(&root, "layers[7].users").line, 3, "missing: where the list starts");
        assert_eq!(locate(&root, "overrides").line, 6, "an empty value: its key");
    }
}
