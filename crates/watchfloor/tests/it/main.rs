//! Black-box acceptance tests: the real `watchfloor` binary, driven only through its HTTP API and command line.

mod alertmanager;
mod bad_input;
mod baseline;
mod check;
mod cloud;
mod crash;
mod escalation;
mod eventbridge_key;
mod harness;
mod import;
mod notifications;
mod oncall;
mod operations;
mod pagerduty;
mod prometheus;
mod receiver;
mod rule_tests;
mod sns;
mod storm;
mod suppression;
mod ui;
