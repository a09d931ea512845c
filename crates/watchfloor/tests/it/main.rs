//! Black-box acceptance tests: the real `watchfloor` binary, driven only through its HTTP API and command line.

mod alertmanager;
mod bad_input;
mod baseline;
mod check;
mod cloud;
mod crash;
mod escalation;
mod harness;
mod notifications;
mod oncall;
mod operations;
mod pagerduty;
mod prometheus;
mod receiver;
mod rule_tests;
mod storm;
mod suppression;
mod ui;
