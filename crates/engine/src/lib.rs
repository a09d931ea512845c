//! The functional core: events and commands in, state changes and effects out.
//!
//! The engine never reads the clock, never does IO and never awaits: callers
//! pass `now` with every input, persist what [`Engine::take_changes`] returns
//! together with the effects, and call [`Engine::handle_tick`] at
//! [`Engine::next_deadline`]. Given the same inputs it produces the same
//! outputs, which is what makes replay and simulation possible.

mod engine;
pub mod oncall;
pub mod priority;

pub use engine::{
    AlertTouch, Changes, CommandError, Effect, Engine, EventOutcome, NewSilence, Restored,
};
