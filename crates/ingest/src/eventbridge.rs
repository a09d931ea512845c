//! Amazon EventBridge (API destinations): the event envelope for every detail-type, with richer mappings for the ones incident response cares about.
//!
//! The envelope (`version`, `id`, `detail-type`, `source`, `account`, `time`,
//! `region`, `resources`, `detail`) is validated for every event: `id`,
//! `detail-type`, `source`, `time` (RFC 3339, at most 15 minutes ahead) and
//! `detail` (an object) are required, `resources` must be an array of
//! strings. Every event gets the labels `aws_account`, `aws_region`,
//! `eventbridge_source` and `detail_type`, the annotation `eventbridge_id`,
//! `resources` = the envelope's `resources` (ARNs), `occurred_at` = `time`
//! and `details` = `detail`.
//!
//! Events fall into three shapes:
//! - **fire / resolve**: a failure or an alarm fires an alert under a key
//!   that names the thing (the alarm, the pipeline, the instance), and the
//!   matching success resolves the same key;
//! - **notice**: a state change that is neither (a pipeline `STARTED`, a
//!   lifecycle hook, a tag change): a `trigger` of severity `info` under its
//!   own key `eventbridge:<id>` whose `ends_at` is its `time`, so it is
//!   recorded but no alert stays open (see [`domain::Event::effective_action`]);
//! - **nothing**: only a CloudWatch alarm's `INSUFFICIENT_DATA` when
//!   [`InsufficientData::Ignore`](crate::InsufficientData::Ignore) says so.
//!
//! | detail-type (source) | fires (severity) | resolves | dedup_key |
//! |---|---|---|---|
//! | CloudWatch Alarm State Change | `ALARM` (options), `INSUFFICIENT_DATA` (options) | `OK` | the alarm ARN (the same key as the SNS path) |
//! | EC2 Instance State-change Notification | `stopping`, `stopped`, `shutting-down`, `terminated` (`warning`) | `pending`, `running` | the instance ARN |
//! | AWS Health Event | `statusCode` not `closed`: `issue` → `error`, `accountNotification` → `info`, else `warning` | `statusCode: closed` | `eventArn` |
//! | GuardDuty Finding | always: `severity` ≥ 9 `critical`, ≥ 7 `error`, ≥ 4 `warning`, else `info` | `service.archived: true` | the finding ARN |
//! | CodePipeline Pipeline / Stage / Action Execution State Change | `FAILED` (`error`) | `SUCCEEDED` | `codepipeline:<account>:<region>:<pipeline>[/<stage>[/<action>]]` |
//! | CodeBuild Build State Change | `FAILED`, `FAULT`, `TIMED_OUT` (`error`) | `SUCCEEDED` | `codebuild:<account>:<region>:<project>` |
//! | CodeDeploy Deployment / Instance State-change Notification | `FAILURE` (`error`) | `SUCCESS` | `codedeploy:<account>:<region>:<application>/<group>[/<instance>]` |
//! | Auto Scaling EC2 Instance Launch / Terminate Unsuccessful | always (`error`) | the `Successful` counterpart | `autoscaling:<account>:<region>:<group>/launch` or `/terminate` |
//! | AWS API Call / Console Sign In / … via CloudTrail | as a CloudTrail record ([`crate::cloudtrail`]) | Insights `End` | `cloudtrail:<eventID>` (the same key as a log-file import) |
//! | anything else | a failure-like status or `detail.severity` (below) | — | `eventbridge:<id>` |
//!
//! Other states of the mapped types (`STARTED`, `IN_PROGRESS`, `STOPPED`,
//! lifecycle actions, CodeBuild phase changes, …) are notices. When a mapped
//! type lacks the fields its key needs (a sample `detail` of `{}`), it is
//! mapped like anything else.
//!
//! Anything else: the first status-like string field of `detail` (`state`,
//! `status`, `…Status`, `…-status`) decides, case-insensitively: a success
//! (`SUCCESS`, `SUCCEEDED`, `SUCCESSFUL`, `COMPLETE(D)`, `COMPLIANT`, `OK`)
//! is `info`; else `detail.severity` when
//! [`Severity::from_label`](domain::Severity::from_label) knows it (EMR,
//! Glue, SSM patch compliance); else a status containing `FAIL`, `ERROR`,
//! `FAULT`, `TIMED_OUT` or `TIMEOUT` is `error`, `NON_COMPLIANT` is
//! `warning`, a word `from_label` knows (`WARN`) is that, and anything else
//! `info`. `warning` and above fire under `eventbridge:<id>`; `info` is a
//! notice. `summary` = `"<detail-type>"`, then `": <status>"` when there is
//! one.

use domain::{Event, EventAction, Labels, Link, Severity, SourceKind, Timestamp};
use serde_json::Value;

use crate::aws::{Alarm, CloudWatchOptions, console_host, parse_arn, put};
use crate::cloudtrail;
use crate::error::{ErrorCode, FieldError, IngestError};
use crate::fields::{self, MAX_SUMMARY_CHARS, Obj, item_path, kind_of, not_in_future, truncate};
use crate::kind::{Kind, wrong_kind};

/// Status values that mean all is well: a notice, whatever `detail.severity` says.
const SUCCESS_WORDS: [&str; 7] =
    ["SUCCESS", "SUCCEEDED", "SUCCESSFUL", "COMPLETED", "COMPLETE", "COMPLIANT", "OK"];
/// A status containing one of these is a failure.
const FAILURE_WORDS: [&str; 5] = ["FAIL", "ERROR", "FAULT", "TIMED_OUT", "TIMEOUT"];

/// Parses one EventBridge event as an API destination delivers it; see the
/// [module docs](self) for the mapping. Returns no event only for a CloudWatch
/// alarm's `INSUFFICIENT_DATA` that `options` ignore.
pub fn parse_eventbridge(
    body: &[u8],
    now: Timestamp,
    options: &CloudWatchOptions,
) -> Result<Vec<Event>, IngestError> {
    let expected = "an EventBridge event ({version, id, detail-type, source, account, time, region, resources, detail})";
    let value = fields::parse_nonempty_body(body, expected)?;
    if value.get("detail-type").is_none() {
        let otherwise: IngestError = match &value {
            Value::Object(_) => FieldError::missing(
                "[\"detail-type\"]",
                format_args!("required field is missing; expected {expected}"),
            )
            .into(),
            other => FieldError::invalid(
                "body",
                format_args!("expected {expected}, found {}", kind_of(other)),
            )
            .into(),
        };
        return Err(wrong_kind(&value, &[Kind::EventBridge], expected, otherwise));
    }
    if value.get("detail").is_none() && value.get("alarmData").is_some() {
        return Err(IngestError::new(
            ErrorCode::WrongPayloadKind,
            format!(
                "detail: required field is missing; the body has alarmData instead, like {}",
                Kind::AlarmLambdaAction.phrase()
            ),
        ));
    }
    Ok(events(&Obj::new(&value, "")?, now, options, SourceKind::EventBridge)?)
}

/// Whether `value` is shaped like an EventBridge event (for events inside SNS messages).
pub(crate) fn looks_like_eventbridge(value: &Value) -> bool {
    value.get("detail-type").is_some()
        && value.get("source").is_some()
        && value.get("detail").is_some()
}

/// Maps one event; `root.path` prefixes error messages (`""`, or `Message` inside SNS).
pub(crate) fn events(
    root: &Obj<'_>,
    now: Timestamp,
    options: &CloudWatchOptions,
    source_kind: SourceKind,
) -> Result<Vec<Event>, FieldError> {
    let envelope = Envelope::parse(root, now)?;
    let mapped = match (envelope.source, envelope.detail_type) {
        ("aws.cloudwatch", "CloudWatch Alarm State Change") => {
            alarm(&envelope, now, options, source_kind)?
        }
        ("aws.ec2", "EC2 Instance State-change Notification") => ec2_state(&envelope)?,
        ("aws.health", "AWS Health Event") => health(&envelope)?,
        ("aws.guardduty", "GuardDuty Finding") => guardduty(&envelope)?,
        ("aws.codepipeline", detail_type) if detail_type.starts_with("CodePipeline ") => {
            codepipeline(&envelope)?
        }
        ("aws.codebuild", detail_type) if detail_type.starts_with("CodeBuild ") => {
            codebuild(&envelope)?
        }
        ("aws.codedeploy", detail_type) if detail_type.starts_with("CodeDeploy ") => {
            codedeploy(&envelope)?
        }
        ("aws.autoscaling", _) => autoscaling(&envelope)?,
        (_, detail_type) if detail_type.ends_with(" via CloudTrail") => {
            via_cloudtrail(&envelope, now, source_kind)?
        }
        _ => Mapped::Generic,
    };
    let event = match mapped {
        Mapped::Ignored => return Ok(Vec::new()),
        Mapped::Event(event) => *event,
        Mapped::State { transition, key, summary } => {
            let mut event = envelope.stateful(transition, key, summary);
            extras(&envelope, &mut event)?;
            event
        }
        Mapped::Generic => envelope.generic(),
    };
    Ok(vec![envelope.finish(event, now, source_kind)])
}

/// What a detail-type's mapping decided.
enum Mapped {
    /// A complete event (CloudWatch alarms, CloudTrail records).
    Event(Box<Event>),
    /// Fire, resolve or notice under `key`, with the envelope's labels.
    State { transition: Transition, key: String, summary: String },
    /// Not enough to map richly: the generic mapping.
    Generic,
    /// No event at all.
    Ignored,
}

enum Transition {
    Fire(Severity),
    /// Resolves the alert the matching [`Transition::Fire`] opened; the severity is that alert's.
    Resolve(Severity),
    /// Recorded, opens nothing: see the module docs.
    Notice,
}

/// The validated envelope.
struct Envelope<'a> {
    id: &'a str,
    detail_type: &'a str,
    source: &'a str,
    account: &'a str,
    region: &'a str,
    time: Timestamp,
    resources: Vec<String>,
    detail: Obj<'a>,
}

impl<'a> Envelope<'a> {
    fn parse(root: &Obj<'a>, now: Timestamp) -> Result<Self, FieldError> {
        let id = root.req_str("id")?;
        let detail_type = root.req_str("detail-type")?;
        let source = root.req_str("source")?;
        root.opt_str("version")?;
        let time_path = root.path("time");
        let time =
            not_in_future(&time_path, fields::timestamp(&time_path, root.req_str("time")?)?, now)?;
        Ok(Self {
            id,
            detail_type,
            source,
            account: root.opt_str("account")?.unwrap_or_default(),
            region: root.opt_str("region")?.unwrap_or_default(),
            time,
            resources: root.string_list("resources")?,
            detail: root.req_obj("detail")?,
        })
    }

    /// `<prefix>:<account>:<region>:<name>`, the shape of our own keys.
    fn key(&self, prefix: &str, name: &str) -> String {
        format!("{prefix}:{}:{}:{name}", self.account, self.region)
    }

    fn detail_str(&self, key: &str) -> Result<Option<&'a str>, FieldError> {
        Ok(self.detail.opt_nonempty_str(key)?.map(str::trim).filter(|s| !s.is_empty()))
    }

    fn stateful(&self, transition: Transition, key: String, summary: String) -> Event {
        let mut event = Event::trigger(key, truncate(summary, MAX_SUMMARY_CHARS));
        match transition {
            Transition::Fire(severity) => event.severity = severity,
            Transition::Resolve(severity) => {
                event.action = EventAction::Resolve;
                event.severity = severity;
            }
            Transition::Notice => {
                event.dedup_key = format!("eventbridge:{}", self.id);
                event.severity = Severity::Info;
                event.ends_at = Some(self.time);
            }
        }
        event.details = Value::Object(self.detail.map.clone());
        event.source = self.resources.first().cloned();
        event
    }

    fn generic(&self) -> Event {
        let status = self
            .detail
            .map
            .iter()
            .find(|(key, value)| {
                let key = key.to_ascii_lowercase();
                value.is_string() && (key == "state" || key.ends_with("status"))
            })
            .and_then(|(_, value)| value.as_str())
            .filter(|s| !s.is_empty());
        let upper = status.map(str::to_ascii_uppercase).unwrap_or_default();
        let succeeded = SUCCESS_WORDS.contains(&upper.as_str());
        let from_detail = match self.detail.get("severity") {
            Some(Value::String(text)) if !succeeded => Severity::from_label(text),
            _ => None,
        };
        let severity = if succeeded {
            Severity::Info
        } else if let Some(severity) = from_detail {
            severity
        } else if FAILURE_WORDS.iter().any(|word| upper.contains(word)) {
            Severity::Error
        } else if upper.contains("NON_COMPLIANT") {
            Severity::Warning
        } else {
            Severity::from_label(&upper).unwrap_or(Severity::Info)
        };
        let summary = match status {
            Some(status) => format!("{}: {status}", self.detail_type),
            None => self.detail_type.to_owned(),
        };
        let transition = if severity == Severity::Info {
            Transition::Notice
        } else {
            Transition::Fire(severity)
        };
        self.stateful(transition, format!("eventbridge:{}", self.id), summary)
    }

    /// What every EventBridge-derived event shares; the mapping's own values win.
    fn finish(&self, mut event: Event, now: Timestamp, source_kind: SourceKind) -> Event {
        event.source_kind = source_kind;
        for (name, value) in [
            ("aws_account", self.account),
            ("aws_region", self.region),
            ("eventbridge_source", self.source),
            ("detail_type", self.detail_type),
        ] {
            if !value.is_empty() {
                event.labels.entry(name.to_owned()).or_insert_with(|| value.to_owned());
            }
        }
        event.annotations.insert("eventbridge_id".into(), self.id.to_owned());
        if event.occurred_at.is_none() {
            event.occurred_at = Some(self.time);
        }
        if let Some(ends_at) = event.ends_at {
            // A notice from (at most 15 minutes in) the future is over as of now.
            event.ends_at = Some(ends_at.min(now));
        }
        let own = std::mem::replace(&mut event.resources, self.resources.clone());
        for resource in own {
            if !event.resources.contains(&resource) {
                event.resources.push(resource);
            }
        }
        event
    }
}

fn alarm(
    envelope: &Envelope<'_>,
    now: Timestamp,
    options: &CloudWatchOptions,
    source_kind: SourceKind,
) -> Result<Mapped, FieldError> {
    if envelope.detail.get("alarmName").is_none() || envelope.detail.get("state").is_none() {
        return Ok(Mapped::Generic);
    }
    let account = Some(envelope.account).filter(|a| !a.is_empty());
    let alarm =
        Alarm::from_eventbridge_detail(&envelope.detail, &envelope.resources, account, now)?;
    Ok(match alarm.into_event(options, source_kind) {
        Some(event) => Mapped::Event(Box::new(event)),
        None => Mapped::Ignored,
    })
}

fn ec2_state(envelope: &Envelope<'_>) -> Result<Mapped, FieldError> {
    let (Some(instance), Some(state)) =
        (envelope.detail_str("instance-id")?, envelope.detail_str("state")?)
    else {
        return Ok(Mapped::Generic);
    };
    let key = envelope
        .resources
        .iter()
        .find(|r| {
            parse_arn(r).is_some_and(|a| a.service == "ec2" && a.resource.starts_with("instance/"))
        })
        .cloned()
        .unwrap_or_else(|| envelope.key("ec2-instance", instance));
    let transition = match state {
        "pending" | "running" => Transition::Resolve(Severity::Warning),
        "stopping" | "stopped" | "shutting-down" | "terminated" => {
            Transition::Fire(Severity::Warning)
        }
        _ => Transition::Notice,
    };
    Ok(Mapped::State { transition, key, summary: format!("EC2 instance {instance} is {state}") })
}

fn health(envelope: &Envelope<'_>) -> Result<Mapped, FieldError> {
    let Some(event_arn) = envelope.detail_str("eventArn")? else { return Ok(Mapped::Generic) };
    let category = envelope.detail_str("eventTypeCategory")?;
    let code = envelope.detail_str("eventTypeCode")?.unwrap_or("unknown event");
    let severity = match category {
        Some("issue") => Severity::Error,
        Some("accountNotification") => Severity::Info,
        _ => Severity::Warning,
    };
    let transition = match envelope.detail_str("statusCode")? {
        Some("closed") => Transition::Resolve(severity),
        _ => Transition::Fire(severity),
    };
    let summary = format!("AWS Health {}: {code}", category.unwrap_or("event"));
    Ok(Mapped::State { transition, key: event_arn.to_owned(), summary })
}

/// Labels, annotations and resources a Health event adds (after [`health`] chose its shape).
fn health_extras(envelope: &Envelope<'_>, event: &mut Event) -> Result<(), FieldError> {
    let detail = &envelope.detail;
    put(&mut event.labels, "health_service", detail.opt_nonempty_str("service")?);
    put(&mut event.labels, "event_type_code", detail.opt_nonempty_str("eventTypeCode")?);
    put(&mut event.labels, "event_type_category", detail.opt_nonempty_str("eventTypeCategory")?);
    for key in ["statusCode", "startTime", "endTime"] {
        put(&mut event.annotations, key, detail.opt_nonempty_str(key)?);
    }
    if let Some(descriptions) = detail.opt_array("eventDescription")? {
        let parent = detail.path("eventDescription");
        if let Some(first) = descriptions.first() {
            let first = Obj::new(first, item_path(&parent, 0))?;
            put(
                &mut event.annotations,
                "description",
                first.opt_nonempty_str("latestDescription")?,
            );
        }
    }
    if let Some(entities) = detail.opt_array("affectedEntities")? {
        let parent = detail.path("affectedEntities");
        for (index, entity) in entities.iter().enumerate() {
            let entity = Obj::new(entity, item_path(&parent, index))?;
            if let Some(value) = entity.opt_nonempty_str("entityValue")?
                && !event.resources.iter().any(|r| r == value)
            {
                event.resources.push(value.to_owned());
            }
        }
    }
    Ok(())
}

fn guardduty(envelope: &Envelope<'_>) -> Result<Mapped, FieldError> {
    let detail = &envelope.detail;
    let Some(id) = envelope.detail_str("id")? else { return Ok(Mapped::Generic) };
    let severity = match detail.opt_f64("severity")? {
        Some(score) if score >= 9.0 => Severity::Critical,
        Some(score) if score >= 7.0 => Severity::Error,
        Some(score) if score >= 4.0 => Severity::Warning,
        Some(_) => Severity::Info,
        None => Severity::Warning,
    };
    let archived = match detail.opt_obj("service")? {
        Some(service) => service.opt_bool("archived")?.unwrap_or(false),
        None => false,
    };
    let key = envelope
        .detail_str("arn")?
        .map(str::to_owned)
        .unwrap_or_else(|| envelope.key("guardduty", id));
    let summary = match envelope.detail_str("title")? {
        Some(title) => title.to_owned(),
        None => format!("GuardDuty finding {}", envelope.detail_str("type")?.unwrap_or(id)),
    };
    let transition =
        if archived { Transition::Resolve(severity) } else { Transition::Fire(severity) };
    Ok(Mapped::State { transition, key, summary })
}

fn guardduty_extras(envelope: &Envelope<'_>, event: &mut Event) -> Result<(), FieldError> {
    let detail = &envelope.detail;
    put(&mut event.labels, "finding_type", detail.opt_nonempty_str("type")?);
    if let Some(resource) = detail.opt_obj("resource")? {
        put(&mut event.labels, "resource_type", resource.opt_nonempty_str("resourceType")?);
    }
    put(&mut event.annotations, "description", detail.opt_nonempty_str("description")?);
    if let Some(score) = detail.opt_f64("severity")? {
        event.annotations.insert("severity_score".into(), score.to_string());
    }
    if let (Some(id), Some(host)) = (detail.opt_nonempty_str("id")?, console_host("aws"))
        && !envelope.region.is_empty()
    {
        let href = format!(
            "https://{host}/guardduty/home?region={}#/findings?fId={}",
            envelope.region,
            fields::percent_encode(id)
        );
        event.links.push(Link { href, text: Some("GuardDuty finding".to_owned()) });
    }
    Ok(())
}

fn codepipeline(envelope: &Envelope<'_>) -> Result<Mapped, FieldError> {
    let (Some(pipeline), Some(state)) =
        (envelope.detail_str("pipeline")?, envelope.detail_str("state")?)
    else {
        return Ok(Mapped::Generic);
    };
    let stage = envelope.detail_str("stage")?;
    let action = envelope.detail_str("action")?;
    let (name, what) = match (envelope.detail_type, stage, action) {
        ("CodePipeline Action Execution State Change", Some(stage), Some(action)) => (
            format!("{pipeline}/{stage}/{action}"),
            format!("{pipeline} stage {stage} action {action}"),
        ),
        ("CodePipeline Stage Execution State Change", Some(stage), _) => {
            (format!("{pipeline}/{stage}"), format!("{pipeline} stage {stage}"))
        }
        ("CodePipeline Pipeline Execution State Change", _, _) => {
            (pipeline.to_owned(), pipeline.to_owned())
        }
        _ => return Ok(Mapped::Generic),
    };
    let transition = match state {
        "FAILED" => Transition::Fire(Severity::Error),
        "SUCCEEDED" => Transition::Resolve(Severity::Error),
        _ => Transition::Notice,
    };
    let key = envelope.key("codepipeline", &name);
    Ok(Mapped::State { transition, key, summary: format!("CodePipeline {what} {state}") })
}

fn codebuild(envelope: &Envelope<'_>) -> Result<Mapped, FieldError> {
    let Some(project) = envelope.detail_str("project-name")? else { return Ok(Mapped::Generic) };
    let key = envelope.key("codebuild", project);
    if envelope.detail_type == "CodeBuild Build Phase Change" {
        let phase = envelope.detail_str("completed-phase")?.unwrap_or("phase");
        let status = envelope.detail_str("completed-phase-status")?.unwrap_or("changed");
        let summary = format!("CodeBuild {project} phase {phase} {status}");
        return Ok(Mapped::State { transition: Transition::Notice, key, summary });
    }
    let Some(status) = envelope.detail_str("build-status")? else { return Ok(Mapped::Generic) };
    let transition = match status {
        "FAILED" | "FAULT" | "TIMED_OUT" => Transition::Fire(Severity::Error),
        "SUCCEEDED" => Transition::Resolve(Severity::Error),
        _ => Transition::Notice,
    };
    Ok(Mapped::State { transition, key, summary: format!("CodeBuild {project} build {status}") })
}

fn codedeploy(envelope: &Envelope<'_>) -> Result<Mapped, FieldError> {
    let (Some(application), Some(group), Some(state)) = (
        envelope.detail_str("application")?,
        envelope.detail_str("deploymentGroup")?,
        envelope.detail_str("state")?,
    ) else {
        return Ok(Mapped::Generic);
    };
    let instance = envelope.detail_str("instanceId")?;
    let deployment = envelope.detail_str("deploymentId")?.unwrap_or("deployment");
    let (name, what) = match (envelope.detail_type, instance) {
        ("CodeDeploy Instance State-change Notification", Some(instance)) => {
            (format!("{application}/{group}/{instance}"), format!("instance {instance}"))
        }
        ("CodeDeploy Deployment State-change Notification", _) => {
            (format!("{application}/{group}"), format!("deployment {deployment}"))
        }
        _ => return Ok(Mapped::Generic),
    };
    let transition = match state {
        "FAILURE" => Transition::Fire(Severity::Error),
        "SUCCESS" => Transition::Resolve(Severity::Error),
        _ => Transition::Notice,
    };
    let key = envelope.key("codedeploy", &name);
    let summary = format!("CodeDeploy {application}/{group} {what} {state}");
    Ok(Mapped::State { transition, key, summary })
}

fn autoscaling(envelope: &Envelope<'_>) -> Result<Mapped, FieldError> {
    let Some(group) = envelope.detail_str("AutoScalingGroupName")? else {
        return Ok(Mapped::Generic);
    };
    let (transition, operation) = match envelope.detail_type {
        "EC2 Instance Launch Unsuccessful" => (Transition::Fire(Severity::Error), "launch"),
        "EC2 Instance Launch Successful" => (Transition::Resolve(Severity::Error), "launch"),
        "EC2 Instance Terminate Unsuccessful" => (Transition::Fire(Severity::Error), "terminate"),
        "EC2 Instance Terminate Successful" => (Transition::Resolve(Severity::Error), "terminate"),
        _ => (Transition::Notice, "lifecycle"),
    };
    let mut summary = format!("Auto Scaling {group}: {}", envelope.detail_type);
    if matches!(transition, Transition::Fire(_))
        && let Some(message) = envelope.detail_str("StatusMessage")?
    {
        summary.push_str(&format!(": {message}"));
    }
    let key = envelope.key("autoscaling", &format!("{group}/{operation}"));
    Ok(Mapped::State { transition, key, summary })
}

fn via_cloudtrail(
    envelope: &Envelope<'_>,
    now: Timestamp,
    source_kind: SourceKind,
) -> Result<Mapped, FieldError> {
    let mut record = cloudtrail::record(&envelope.detail, now, source_kind)?;
    record.event.details = Value::Object(envelope.detail.map.clone());
    Ok(Mapped::Event(Box::new(record.event)))
}

/// The labels, annotations and links of the stateful mappings, added after [`Envelope::stateful`].
fn extras(envelope: &Envelope<'_>, event: &mut Event) -> Result<(), FieldError> {
    let detail = &envelope.detail;
    let mut labels = Labels::new();
    let mut annotations = Labels::new();
    match (envelope.source, envelope.detail_type) {
        ("aws.ec2", "EC2 Instance State-change Notification") => {
            let instance = envelope.detail_str("instance-id")?;
            put(&mut labels, "instance_id", instance);
            event.source = instance.map(str::to_owned);
            put(&mut annotations, "state", detail.opt_nonempty_str("state")?);
        }
        ("aws.health", "AWS Health Event") => health_extras(envelope, event)?,
        ("aws.guardduty", "GuardDuty Finding") => guardduty_extras(envelope, event)?,
        ("aws.codepipeline", _) => {
            for key in ["pipeline", "stage", "action"] {
                put(&mut labels, key, detail.opt_nonempty_str(key)?);
            }
            put(&mut annotations, "execution_id", detail.opt_nonempty_str("execution-id")?);
            put(&mut annotations, "state", detail.opt_nonempty_str("state")?);
            if let Some(result) = detail.opt_obj("execution-result")? {
                put(
                    &mut annotations,
                    "execution_summary",
                    result.opt_nonempty_str("external-execution-summary")?,
                );
                if let Some(href) = result.opt_nonempty_str("external-execution-url")? {
                    event
                        .links
                        .push(Link { href: href.to_owned(), text: Some("Execution".to_owned()) });
                }
            }
        }
        ("aws.codebuild", _) => {
            put(&mut labels, "project", detail.opt_nonempty_str("project-name")?);
            put(&mut annotations, "build_id", detail.opt_nonempty_str("build-id")?);
            put(&mut annotations, "build_status", detail.opt_nonempty_str("build-status")?);
            if let Some(info) = detail.opt_obj("additional-information")?
                && let Some(logs) = info.opt_obj("logs")?
                && let Some(href) = logs.opt_nonempty_str("deep-link")?
            {
                event
                    .links
                    .push(Link { href: href.to_owned(), text: Some("Build logs".to_owned()) });
            }
        }
        ("aws.codedeploy", _) => {
            put(&mut labels, "application", detail.opt_nonempty_str("application")?);
            put(&mut labels, "deployment_group", detail.opt_nonempty_str("deploymentGroup")?);
            put(&mut labels, "instance_id", detail.opt_nonempty_str("instanceId")?);
            put(&mut annotations, "deployment_id", detail.opt_nonempty_str("deploymentId")?);
            put(&mut annotations, "state", detail.opt_nonempty_str("state")?);
        }
        ("aws.autoscaling", _) => {
            put(&mut labels, "autoscaling_group", detail.opt_nonempty_str("AutoScalingGroupName")?);
            put(&mut annotations, "ec2_instance_id", detail.opt_nonempty_str("EC2InstanceId")?);
            for (name, key) in [
                ("status_code", "StatusCode"),
                ("status_message", "StatusMessage"),
                ("description", "Description"),
            ] {
                put(&mut annotations, name, detail.opt_nonempty_str(key)?);
            }
        }
        _ => {}
    }
    event.labels.extend(labels);
    event.annotations.extend(annotations);
    Ok(())
}
