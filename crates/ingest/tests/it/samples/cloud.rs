//! The sample table for the cloud adapters (SNS, EventBridge, CloudTrail, Azure, Grafana) and the files beside the Alertmanager captures.
//!
//! One entry per file under `shared/samples` (a path ending in `/` covers a
//! whole dataset directory). Expectations were checked against each
//! adapter's mapping table by hand; `.notice()` marks a notice (a trigger
//! already over, which opens no alert).

use ingest::{ErrorCode, SnsMessageType};

use super::{Critical, Error, Exact, Expect, Info, Parser, Resolve, Trigger, Warning, ev};

pub(super) fn table() -> Vec<(&'static str, Parser, Expect)> {
    vec![
        // The invictus-ir attack-simulation dataset: 55 CloudTrail log files, 2,900 records.
        (
            "cloudtrail/invictus-ir_aws_dataset/CloudTrail/",
            Parser::CloudTrailFile,
            Expect::Dataset { files: 55, records: 2900 },
        ),
        (
            "azure-monitor/microsoft-docs_alerts-payload-samples/test-action_activity-log-alert_Fired.json",
            Parser::Azure,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Info,
                    Exact("/subscriptions/aaaa0a0a-bb1b-cc2c-dd3d-eeeeee4e4e4e/resourceGroups/test-RG/providers/microsoft.insights/activityLogAlerts/Test_Alert"),
                    "test-activityLogAlertRule",
                )
                .res(&[
                    "/subscriptions/aaaa0a0a-bb1b-cc2c-dd3d-eeeeee4e4e4e/resourcegroups/test-RG/providers/microsoft.compute/virtualmachines/test-VM",
                ]),
            ]),
        ),
        (
            "azure-monitor/microsoft-docs_alerts-payload-samples/test-action_availability-test-alert_Fired.json",
            Parser::Azure,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Info,
                    Exact("/subscriptions/aaaa0a0a-bb1b-cc2c-dd3d-eeeeee4e4e4e/providers/Microsoft.AlertsManagement/alerts/eeeeeeee-4444-5555-6666-ffffffffffff"),
                    "test-availabilityTest-test-applicationInsights",
                )
                .res(&[
                    "/subscriptions/aaaa0a0a-bb1b-cc2c-dd3d-eeeeee4e4e4e/resourcegroups/test-RG/providers/microsoft.insights/components/test-applicationInsights",
                ]),
            ]),
        ),
        (
            "azure-monitor/microsoft-docs_alerts-payload-samples/test-action_cost-budget-alert_actual.json",
            Parser::Azure,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Warning,
                    Exact("/subscriptions/aaaa0a0a-bb1b-cc2c-dd3d-eeeeee4e4e4e/providers/Microsoft.CostManagement/alerts/Test_Alert"),
                    "YourspendforbudgetTest_actual_cost_budgetisnow$11,111.00exceedingyourspecifiedthreshold$25.00.",
                ),
            ]),
        ),
        (
            "azure-monitor/microsoft-docs_alerts-payload-samples/test-action_metric-alert-dynamic-threshold_Fired.json",
            Parser::Azure,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Info,
                    Exact("/subscriptions/aaaa0a0a-bb1b-cc2c-dd3d-eeeeee4e4e4e/providers/Microsoft.AlertsManagement/alerts/eeeeeeee-4444-5555-6666-ffffffffffff"),
                    "test-dynamicMetricAlertRule",
                )
                .res(&[
                    "/subscriptions/aaaa0a0a-bb1b-cc2c-dd3d-eeeeee4e4e4e/resourcegroups/test-RG/providers/Microsoft.Storage/storageAccounts/test-storageAccount",
                ]),
            ]),
        ),
        (
            "azure-monitor/microsoft-docs_alerts-payload-samples/test-action_metric-alert-static-threshold_Fired.json",
            Parser::Azure,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Info,
                    Exact("/subscriptions/aaaa0a0a-bb1b-cc2c-dd3d-eeeeee4e4e4e/providers/Microsoft.AlertsManagement/alerts/eeeeeeee-4444-5555-6666-ffffffffffff"),
                    "test-metricAlertRule",
                )
                .res(&[
                    "/subscriptions/aaaa0a0a-bb1b-cc2c-dd3d-eeeeee4e4e4e/resourcegroups/test-RG/providers/microsoft.storage/storageaccounts/test-storageAccount",
                ]),
            ]),
        ),
        (
            "azure-monitor/microsoft-docs_alerts-payload-samples/test-action_service-health-alert_Fired.json",
            Parser::Azure,
            Expect::Events(vec![
                ev(
                    Resolve,
                    Info,
                    Exact("/subscriptions/aaaa0a0a-bb1b-cc2c-dd3d-eeeeee4e4e4e/serviceHealth/TEST-TTT"),
                    "test-ServiceHealthAlertRule",
                )
                .res(&["/subscriptions/aaaa0a0a-bb1b-cc2c-dd3d-eeeeee4e4e4e"]),
            ]),
        ),
        (
            "cloudtrail/awsdocs_cloudtrail-user-guide/cloudtrail-event-reference-aws-console-sign-in-events_L102_ConsoleLogin.json",
            Parser::CloudTrailRecord,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Warning,
                    Exact("cloudtrail:d38ce1b3-4575-4cb8-a632-611b8243bfc3"),
                    "ConsoleLogin (Failure) by anaya from 192.0.2.0",
                ),
            ]),
        ),
        (
            "cloudtrail/awsdocs_cloudtrail-user-guide/cloudtrail-event-reference-aws-console-sign-in-events_L138_CheckMfa.json",
            Parser::CloudTrailRecord,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Info,
                    Exact("cloudtrail:f8ef8fc5-e3e8-4ee1-9d52-2f412ddf17e3"),
                    "CheckMfa (Success) by anaya from 192.0.2.0",
                ),
            ]),
        ),
        (
            "cloudtrail/awsdocs_cloudtrail-user-guide/cloudtrail-event-reference-aws-console-sign-in-events_L171_CheckMfa.json",
            Parser::CloudTrailRecord,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Info,
                    Exact("cloudtrail:f8ef8fc5-e3e8-4ee1-9d52-2f412ddf17e3"),
                    "CheckMfa (Success) by anaya from 192.0.2.0",
                ),
            ]),
        ),
        (
            "cloudtrail/awsdocs_cloudtrail-user-guide/cloudtrail-event-reference-aws-console-sign-in-events_L215_ConsoleLogin_Root.json",
            Parser::CloudTrailRecord,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Critical,
                    Exact("cloudtrail:deb1e1f9-c99b-4612-8e9f-21f93b5d79c0"),
                    "ConsoleLogin (Success) by arn:aws:iam::111122223333:root from 192.0.2.0",
                ),
            ]),
        ),
        (
            "cloudtrail/awsdocs_cloudtrail-user-guide/cloudtrail-event-reference-aws-console-sign-in-events_L250_ConsoleLogin_Root.json",
            Parser::CloudTrailRecord,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Error,
                    Exact("cloudtrail:deb1e1f9-c99b-4612-8e9f-21f93b5d79c0"),
                    "ConsoleLogin (Success) by arn:aws:iam::111122223333:root from 192.0.2.0",
                ),
            ]),
        ),
        (
            "cloudtrail/awsdocs_cloudtrail-user-guide/cloudtrail-event-reference-aws-console-sign-in-events_L286_ConsoleLogin_Root.json",
            Parser::CloudTrailRecord,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Warning,
                    Exact("cloudtrail:a4fbbe77-91a0-4238-804a-64314184edb6"),
                    "ConsoleLogin (Failure) by arn:aws:iam::111122223333:root from 192.0.2.0",
                ),
            ]),
        ),
        (
            "cloudtrail/awsdocs_cloudtrail-user-guide/cloudtrail-event-reference-aws-console-sign-in-events_L28_ConsoleLogin.json",
            Parser::CloudTrailFile,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Warning,
                    Exact("cloudtrail:3fcfb182-98f8-4744-bd45-10a395ab61cb"),
                    "ConsoleLogin (Success) by arn:aws:iam::111122223333:user/anaya from 192.0.2.0",
                ),
            ]),
        ),
        (
            "cloudtrail/awsdocs_cloudtrail-user-guide/cloudtrail-event-reference-aws-console-sign-in-events_L322_EnableMFADevice_Root.json",
            Parser::CloudTrailRecord,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Error,
                    Exact("cloudtrail:EXAMPLEb-7dae-48cb-895f-20e86EXAMPLE"),
                    "EnableMFADevice by arn:aws:iam::111122223333:root from 192.0.2.0",
                ),
            ]),
        ),
        (
            "cloudtrail/awsdocs_cloudtrail-user-guide/cloudtrail-event-reference-aws-console-sign-in-events_L363_PasswordUpdated_Root.json",
            Parser::CloudTrailRecord,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Error,
                    Exact("cloudtrail:EXAMPLEd-244c-4044-abbf-21c64EXAMPLE"),
                    "PasswordUpdated (Success) by arn:aws:iam::111122223333:root from 192.0.2.0",
                ),
            ]),
        ),
        (
            "cloudtrail/awsdocs_cloudtrail-user-guide/cloudtrail-event-reference-aws-console-sign-in-events_L66_ConsoleLogin.json",
            Parser::CloudTrailRecord,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Info,
                    Exact("cloudtrail:fed06f42-cb12-4764-8c69-121063dc79b9"),
                    "ConsoleLogin (Success) by arn:aws:iam::111122223333:user/anaya from 192.0.2.0",
                ),
            ]),
        ),
        (
            "cloudtrail/awsdocs_cloudtrail-user-guide/cloudtrail-event-reference-user-identity_L257_event.json",
            Parser::CloudTrailRecord,
            Expect::Rejected {
                code: ErrorCode::MissingField,
                message_contains: "eventName: required field is missing",
            },
        ),
        (
            "cloudtrail/awsdocs_cloudtrail-user-guide/cloudtrail-log-file-examples_L115_CreateKeyPair.json",
            Parser::CloudTrailFile,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Info,
                    Exact("cloudtrail:fnv-b68b183533fd7a8f"),
                    "CreateKeyPair by arn:aws:iam::123456789012:user/Alice from 72.21.198.64",
                ),
            ]),
        ),
        (
            "cloudtrail/awsdocs_cloudtrail-user-guide/cloudtrail-log-file-examples_L151_CreateUser.json",
            Parser::CloudTrailFile,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Info,
                    Exact("cloudtrail:fnv-a6a46cd22078604e"),
                    "CreateUser by arn:aws:iam::123456789012:user/Alice from 127.0.0.1",
                ),
            ]),
        ),
        (
            "cloudtrail/awsdocs_cloudtrail-user-guide/cloudtrail-log-file-examples_L181_AddUserToGroup.json",
            Parser::CloudTrailFile,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Info,
                    Exact("cloudtrail:fnv-7f24b47d92566072"),
                    "AddUserToGroup by arn:aws:iam::123456789012:user/Alice from 127.0.0.1",
                ),
            ]),
        ),
        (
            "cloudtrail/awsdocs_cloudtrail-user-guide/cloudtrail-log-file-examples_L253_UpdateTrail.json",
            Parser::CloudTrailFile,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Info,
                    Exact("cloudtrail:b7d4398e-b2f0-4faa-9c76-e2d316a8d67f"),
                    "UpdateTrail by arn:aws:iam::123456789012:user/Alice from 205.251.233.182 failed: TrailNotFoundException",
                ),
            ]),
        ),
        (
            "cloudtrail/awsdocs_cloudtrail-user-guide/cloudtrail-log-file-examples_L285_event.json",
            Parser::CloudTrailFile,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Warning,
                    Exact("cloudtrail-insight:EXAMPLE2-1729-42f1-b735-5d8c0EXAMPLE"),
                    "CloudTrail Insight on ssm.amazonaws.com UpdateInstanceInformation (Start)",
                ),
                ev(
                    Resolve,
                    Warning,
                    Exact("cloudtrail-insight:EXAMPLE2-1729-42f1-b735-5d8c0EXAMPLE"),
                    "CloudTrail Insight on ssm.amazonaws.com UpdateInstanceInformation (End)",
                ),
            ]),
        ),
        (
            "cloudtrail/awsdocs_cloudtrail-user-guide/cloudtrail-log-file-examples_L44_StartInstances.json",
            Parser::CloudTrailFile,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Info,
                    Exact("cloudtrail:fnv-5a022889e4e60d9a"),
                    "StartInstances by arn:aws:iam::123456789012:user/Alice from 205.251.233.176",
                ),
            ]),
        ),
        (
            "cloudtrail/awsdocs_cloudtrail-user-guide/cloudtrail-log-file-examples_L78_StopInstances.json",
            Parser::CloudTrailFile,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Info,
                    Exact("cloudtrail:fnv-0f036283ed150e1a"),
                    "StopInstances by arn:aws:iam::123456789012:user/Alice from 205.251.233.176",
                ),
            ]),
        ),
        (
            "cloudtrail/awsdocs_cloudtrail-user-guide/cloudtrail-tutorial_L162_ConsoleLogin.json",
            Parser::CloudTrailRecord,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Warning,
                    Exact("cloudtrail:2681fc29-EXAMPLE"),
                    "ConsoleLogin (Success) by arn:aws:iam::123456789012:user/Mary_Major from 203.0.113.67",
                ),
            ]),
        ),
        (
            "cloudtrail/awsdocs_cloudtrail-user-guide/non-api-aws-service-events_L7_RotateKey.json",
            Parser::CloudTrailRecord,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Info,
                    Exact("cloudtrail:234f004b-EXAMPLE"),
                    "RotateKey by AWS Internal from AWS Internal",
                )
                .res(&["arn:aws:kms:us-east-2:123456789012:key/7944f0ec-EXAMPLE"]),
            ]),
        ),
        (
            "cloudtrail/stratus-red-team_detonation-logs/aws.credential-access.ec2-get-password-data.json",
            Parser::CloudTrailFile,
            Expect::Records {
                count: 34,
                checks: vec![
                    (
                        0,
                        ev(
                            Trigger,
                            Warning,
                            Exact("cloudtrail:450230d4-b39e-4a18-a6a0-d07a6e2105cb"),
                            "GetPasswordData by arn:aws:sts::457448411975:assumed-role/stratus-red-team-ec2-get-password-data-role/aws-go-sdk-1722375070115152000 from 200.249.253.51 failed: Client.UnauthorizedOperation",
                        ),
                    ),
                    (
                        30,
                        ev(
                            Trigger,
                            Info,
                            Exact("cloudtrail:d769ddfd-2cda-4cfa-b33f-05d3b886921d"),
                            "AssumeRole by arn:aws:iam::457448411975:user/christophe from 200.249.253.51",
                        )
                        .res(&[
                            "arn:aws:iam::457448411975:role/stratus-red-team-ec2-get-password-data-role",
                        ]),
                    ),
                    (
                        33,
                        ev(
                            Trigger,
                            Warning,
                            Exact("cloudtrail:8a8844ff-dc95-4ef5-87d2-d86cc23fedd0"),
                            "AssumeRole by arn:aws:iam::457448411975:user/christophe from 200.249.253.51 failed: AccessDenied",
                        ),
                    ),
                ],
            },
        ),
        (
            "cloudtrail/stratus-red-team_detonation-logs/aws.credential-access.ec2-steal-instance-credentials.json",
            Parser::CloudTrailFile,
            Expect::Records {
                count: 45,
                checks: vec![
                    (
                        0,
                        ev(
                            Trigger,
                            Info,
                            Exact("cloudtrail:2a5178c8-b4c7-44ba-b066-1ecc79b7087c"),
                            "SendCommand by arn:aws:iam::017622104382:user/christophe from 18.236.253.47",
                        ),
                    ),
                    (
                        44,
                        ev(
                            Trigger,
                            Info,
                            Exact("cloudtrail:2a96648a-6f8a-4faa-b5fc-432fab0eee81"),
                            "DescribeInstanceInformation by arn:aws:iam::017622104382:user/christophe from 18.236.253.47",
                        ),
                    ),
                ],
            },
        ),
        (
            "cloudtrail/stratus-red-team_detonation-logs/aws.credential-access.secretsmanager-batch-retrieve-secrets.json",
            Parser::CloudTrailFile,
            Expect::Records {
                count: 5,
                checks: vec![
                    (
                        0,
                        ev(
                            Trigger,
                            Info,
                            Exact("cloudtrail:61619dbf-c10b-471e-9d78-8199a2f8233a"),
                            "BatchGetSecretValue by arn:aws:iam::165109126369:user/christophe from 88.223.251.255",
                        ),
                    ),
                    (
                        4,
                        ev(
                            Trigger,
                            Info,
                            Exact("cloudtrail:cdc49957-9518-4ab3-a49e-b5a7c17903e6"),
                            "BatchGetSecretValue by arn:aws:iam::165109126369:user/christophe from 88.223.251.255",
                        ),
                    ),
                ],
            },
        ),
        (
            "cloudtrail/stratus-red-team_detonation-logs/aws.credential-access.secretsmanager-retrieve-secrets.json",
            Parser::CloudTrailFile,
            Expect::Records {
                count: 21,
                checks: vec![
                    (
                        0,
                        ev(
                            Trigger,
                            Info,
                            Exact("cloudtrail:b9c3d881-1e77-426c-abd3-5ca20d903380"),
                            "GetSecretValue by arn:aws:iam::903144391865:user/christophe from 253.201.144.253",
                        ),
                    ),
                    (
                        20,
                        ev(
                            Trigger,
                            Info,
                            Exact("cloudtrail:879e946f-b912-44e3-9d82-a84ad0b06668"),
                            "GetSecretValue by arn:aws:iam::903144391865:user/christophe from 253.201.144.253",
                        ),
                    ),
                ],
            },
        ),
        (
            "cloudtrail/stratus-red-team_detonation-logs/aws.credential-access.ssm-retrieve-securestring-parameters.json",
            Parser::CloudTrailFile,
            Expect::Records {
                count: 10,
                checks: vec![
                    (
                        0,
                        ev(
                            Trigger,
                            Info,
                            Exact("cloudtrail:3c83144c-614c-4979-ad06-b29d4db97c45"),
                            "DescribeParameters by arn:aws:iam::933175858973:user/christophe from 250.202.242.232",
                        ),
                    ),
                    (
                        9,
                        ev(
                            Trigger,
                            Info,
                            Exact("cloudtrail:e77574ca-5c4f-4d99-9f3d-67cbfd04aa99"),
                            "DescribeParameters by arn:aws:iam::933175858973:user/christophe from 250.202.242.232",
                        ),
                    ),
                ],
            },
        ),
        (
            "cloudtrail/stratus-red-team_detonation-logs/aws.defense-evasion.cloudtrail-delete.json",
            Parser::CloudTrailFile,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Error,
                    Exact("cloudtrail:ee73c230-44bc-4492-8542-cfb189eae287"),
                    "DeleteTrail by arn:aws:iam::847129010505:user/christophe from 08.1.250.216",
                ),
            ]),
        ),
        (
            "cloudtrail/stratus-red-team_detonation-logs/aws.defense-evasion.cloudtrail-event-selectors.json",
            Parser::CloudTrailFile,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Error,
                    Exact("cloudtrail:c2a89408-340a-42f0-8ace-75d9f5769393"),
                    "PutEventSelectors by arn:aws:iam::958312252124:user/christophe from 221.254.191.250",
                ),
            ]),
        ),
        (
            "cloudtrail/stratus-red-team_detonation-logs/aws.defense-evasion.cloudtrail-stop.json",
            Parser::CloudTrailFile,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Error,
                    Exact("cloudtrail:10163ed2-2253-469d-a5ee-cbc6651f8934"),
                    "StopLogging by arn:aws:iam::143434273843:user/christophe from 86.245.153.234",
                ),
            ]),
        ),
        (
            "cloudtrail/stratus-red-team_detonation-logs/aws.defense-evasion.dns-delete-logs.json",
            Parser::CloudTrailFile,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Error,
                    Exact("cloudtrail:ba4609ca-b420-4cb6-bdff-307729b3b7db"),
                    "DeleteResolverQueryLogConfig by arn:aws:iam::206821776919:user/christophe from 251.234.045.249",
                ),
            ]),
        ),
        (
            "cloudtrail/stratus-red-team_detonation-logs/aws.defense-evasion.organizations-leave.json",
            Parser::CloudTrailFile,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Info,
                    Exact("cloudtrail:099bfd30-232c-4dff-9998-3821921063ca"),
                    "AssumeRole by arn:aws:iam::307578594326:user/christophe from 252.5.222.230",
                )
                .res(&["arn:aws:iam::307578594326:role/stratus-red-team-leave-org-role"]),
                ev(
                    Trigger,
                    Warning,
                    Exact("cloudtrail:16903cbd-fdff-4818-82f2-d66ad09aaf57"),
                    "LeaveOrganization by arn:aws:sts::307578594326:assumed-role/stratus-red-team-leave-org-role/aws-go-sdk-1722587398902687000 from 252.5.222.230 failed: AccessDenied",
                ),
                ev(
                    Trigger,
                    Info,
                    Exact("cloudtrail:e3441619-0bf6-4818-bf18-391fb65ba98e"),
                    "AssumeRole by arn:aws:iam::307578594326:user/christophe from 252.5.222.230",
                )
                .res(&["arn:aws:iam::307578594326:role/stratus-red-team-leave-org-role"]),
            ]),
        ),
        (
            "cloudtrail/stratus-red-team_detonation-logs/aws.defense-evasion.vpc-remove-flow-logs.json",
            Parser::CloudTrailFile,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Error,
                    Exact("cloudtrail:ded2f5af-f3a5-46d2-a170-a23206a32c36"),
                    "DeleteFlowLogs by arn:aws:iam::498376118699:user/christophe from 206.90.1.223",
                ),
            ]),
        ),
        (
            "cloudtrail/stratus-red-team_detonation-logs/aws.discovery.ec2-download-user-data.json",
            Parser::CloudTrailFile,
            Expect::Records {
                count: 19,
                checks: vec![
                    (
                        0,
                        ev(
                            Trigger,
                            Warning,
                            Exact("cloudtrail:4839af5e-7b6a-4353-a5ef-41febc9a9fa8"),
                            "DescribeInstanceAttribute by arn:aws:sts::321848314756:assumed-role/stratus-red-team-get-usr-data-role/aws-go-sdk-1722455550269043000 from 255.18.064.253 failed: Client.UnauthorizedOperation",
                        ),
                    ),
                    (
                        6,
                        ev(
                            Trigger,
                            Info,
                            Exact("cloudtrail:cf589cd4-9633-4cc6-9b5c-c74f5a735fa5"),
                            "AssumeRole by arn:aws:iam::321848314756:user/christophe from 255.18.064.253",
                        )
                        .res(&[
                            "arn:aws:iam::321848314756:role/stratus-red-team-get-usr-data-role",
                        ]),
                    ),
                    (
                        18,
                        ev(
                            Trigger,
                            Warning,
                            Exact("cloudtrail:a7ca94eb-492f-41e9-b23d-e4875b795041"),
                            "DescribeInstanceAttribute by arn:aws:sts::321848314756:assumed-role/stratus-red-team-get-usr-data-role/aws-go-sdk-1722455550269043000 from 255.18.064.253 failed: Client.UnauthorizedOperation",
                        ),
                    ),
                ],
            },
        ),
        (
            "cloudtrail/stratus-red-team_detonation-logs/aws.execution.ec2-launch-unusual-instances.json",
            Parser::CloudTrailFile,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Warning,
                    Exact("cloudtrail:1a4debbb-12e9-4bde-b8c7-ea29002bb2a7"),
                    "RunInstances by arn:aws:sts::900138736586:assumed-role/stratus-red-team-ec2lui-role-idtzskbvtd/aws-go-sdk-1722511821294449000 from 06.237.252.245 failed: Client.UnauthorizedOperation",
                ),
                ev(
                    Trigger,
                    Info,
                    Exact("cloudtrail:04c882a5-7652-40d1-b44c-83535fc19268"),
                    "AssumeRole by arn:aws:iam::900138736586:user/christophe from 06.237.252.245",
                )
                .res(&[
                    "arn:aws:iam::900138736586:role/stratus-red-team-ec2lui-role-idtzskbvtd",
                ]),
                ev(
                    Trigger,
                    Info,
                    Exact("cloudtrail:9a6353be-6cb8-4a0c-ab85-a46dbd3a2b71"),
                    "AssumeRole by arn:aws:iam::900138736586:user/christophe from 06.237.252.245",
                )
                .res(&[
                    "arn:aws:iam::900138736586:role/stratus-red-team-ec2lui-role-idtzskbvtd",
                ]),
            ]),
        ),
        (
            "cloudtrail/stratus-red-team_detonation-logs/aws.execution.ec2-user-data.json",
            Parser::CloudTrailFile,
            Expect::Records {
                count: 35,
                checks: vec![
                    (
                        0,
                        ev(
                            Trigger,
                            Info,
                            Exact("cloudtrail:759fa0d5-d7d6-4de3-97f0-c469d1a0f92c"),
                            "DescribeInstances by arn:aws:iam::309303190113:user/christophe from 251.228.255.218",
                        ),
                    ),
                    (
                        34,
                        ev(
                            Trigger,
                            Info,
                            Exact("cloudtrail:d373b5dd-6a82-439d-bdcf-4e6c7c7a9292"),
                            "StopInstances by arn:aws:iam::309303190113:user/christophe from 251.228.255.218",
                        ),
                    ),
                ],
            },
        ),
        (
            "cloudtrail/stratus-red-team_detonation-logs/aws.execution.ssm-send-command.json",
            Parser::CloudTrailFile,
            Expect::Records {
                count: 56,
                checks: vec![
                    (
                        0,
                        ev(
                            Trigger,
                            Info,
                            Exact("cloudtrail:4723aee9-d1e5-4e32-b48c-0ec39a6d84ea"),
                            "DescribeInstanceInformation by arn:aws:iam::056392974792:user/christophe from 253.252.51.07",
                        ),
                    ),
                    (
                        55,
                        ev(
                            Trigger,
                            Info,
                            Exact("cloudtrail:6e3e5c56-66d8-4e23-9a89-8498651357d5"),
                            "DescribeInstanceInformation by arn:aws:iam::056392974792:user/christophe from 253.252.51.07",
                        ),
                    ),
                ],
            },
        ),
        (
            "cloudtrail/stratus-red-team_detonation-logs/aws.execution.ssm-start-session.json",
            Parser::CloudTrailFile,
            Expect::Records {
                count: 29,
                checks: vec![
                    (
                        0,
                        ev(
                            Trigger,
                            Info,
                            Exact("cloudtrail:ab04bb55-b6d5-492b-8697-9d11867c6c43"),
                            "DescribeInstanceInformation by arn:aws:iam::294599468799:user/christophe from 254.222.242.236",
                        ),
                    ),
                    (
                        28,
                        ev(
                            Trigger,
                            Info,
                            Exact("cloudtrail:32e8a07f-4751-4081-882e-958a25231c56"),
                            "StartSession by arn:aws:iam::294599468799:user/christophe from 254.222.242.236",
                        ),
                    ),
                ],
            },
        ),
        (
            "cloudtrail/stratus-red-team_detonation-logs/aws.exfiltration.ec2-security-group-open-port-22-ingress.json",
            Parser::CloudTrailFile,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Info,
                    Exact("cloudtrail:9fd68588-ecbf-4528-a345-199fa6bb0821"),
                    "AuthorizeSecurityGroupIngress by arn:aws:iam::032092706103:user/christophe from 253.243.215.253",
                ),
            ]),
        ),
        (
            "cloudtrail/stratus-red-team_detonation-logs/aws.exfiltration.ec2-share-ami.json",
            Parser::CloudTrailFile,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Info,
                    Exact("cloudtrail:1f00bcfa-e050-4c2e-b99b-768ebe3a3dd3"),
                    "ModifyImageAttribute by arn:aws:iam::118238665043:user/christophe from 253.19.58.252",
                ),
            ]),
        ),
        (
            "cloudtrail/stratus-red-team_detonation-logs/aws.exfiltration.ec2-share-ebs-snapshot.json",
            Parser::CloudTrailFile,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Info,
                    Exact("cloudtrail:6897ff63-d738-445c-9e86-43e5b1f8e12f"),
                    "ModifySnapshotAttribute by arn:aws:iam::756680937392:user/christophe from 253.76.43.253",
                ),
            ]),
        ),
        (
            "cloudtrail/stratus-red-team_detonation-logs/aws.exfiltration.rds-share-snapshot.json",
            Parser::CloudTrailFile,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Info,
                    Exact("cloudtrail:fef2bf02-bbea-4d0f-a91c-e6ccfe3fba46"),
                    "ModifyDBSnapshotAttribute by arn:aws:iam::171471557522:user/christophe from 204.10.215.184",
                ),
            ]),
        ),
        (
            "cloudtrail/stratus-red-team_detonation-logs/aws.impact.bedrock-invoke-model.json",
            Parser::CloudTrailFile,
            Expect::Records {
                count: 15,
                checks: vec![
                    (
                        0,
                        ev(
                            Trigger,
                            Info,
                            Exact("cloudtrail:4031b2d2-5e47-4d71-9eda-4f22702c45f3"),
                            "PutFoundationModelEntitlement by arn:aws:sts::494659789341:assumed-role/test-role/cli from 035.249.253.232",
                        ),
                    ),
                    (
                        14,
                        ev(
                            Trigger,
                            Info,
                            Exact("cloudtrail:59b55742-0b37-4488-bb51-c54f8067758f"),
                            "GetFoundationModelAvailability by arn:aws:sts::494659789341:assumed-role/test-role/cli from 035.249.253.232",
                        ),
                    ),
                ],
            },
        ),
        (
            "cloudtrail/stratus-red-team_detonation-logs/aws.initial-access.console-login-without-mfa.json",
            Parser::CloudTrailFile,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Warning,
                    Exact("cloudtrail:865d9377-9c6b-4fd7-8aad-725e95f6a140"),
                    "ConsoleLogin (Success) by arn:aws:iam::562283505220:user/stratus-red-team-nmfalu-jfzdtsvchl from 225.01.00.16",
                ),
            ]),
        ),
        (
            "cloudtrail/stratus-red-team_detonation-logs/aws.lateral-movement.ec2-instance-connect.json",
            Parser::CloudTrailFile,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Info,
                    Exact("cloudtrail:0968cbec-f8df-43f3-94ba-b451aad083ed"),
                    "SendSSHPublicKey by arn:aws:iam::572910899909:user/christophe from 246.227.146.251",
                ),
                ev(
                    Trigger,
                    Info,
                    Exact("cloudtrail:1214f520-2eaf-4438-92ab-304bcf115296"),
                    "SendSSHPublicKey by arn:aws:iam::572910899909:user/christophe from 246.227.146.251",
                ),
                ev(
                    Trigger,
                    Info,
                    Exact("cloudtrail:803d3bd8-44cb-4284-a4a9-cdfde3b00570"),
                    "SendSSHPublicKey by arn:aws:iam::572910899909:user/christophe from 246.227.146.251",
                ),
            ]),
        ),
        (
            "cloudtrail/stratus-red-team_detonation-logs/aws.lateral-movement.ec2-serial-console-send-ssh-public-key.json",
            Parser::CloudTrailFile,
            Expect::Records {
                count: 4,
                checks: vec![
                    (
                        0,
                        ev(
                            Trigger,
                            Info,
                            Exact("cloudtrail:37ba412b-f943-44f2-ae48-4527f6e789d9"),
                            "EnableSerialConsoleAccess by arn:aws:sts::844015365555:assumed-role/AWSReservedSSOrandoml3I7nL6f7BmB@gmail.com from 201.252.42.03",
                        ),
                    ),
                    (
                        3,
                        ev(
                            Trigger,
                            Info,
                            Exact("cloudtrail:f4dc86c9-6b22-4643-a0e8-fcb97fcfae68"),
                            "SendSerialConsoleSSHPublicKey by arn:aws:sts::844015365555:assumed-role/AWSReservedSSOrandoml3I7nL6f7BmB@gmail.com from 201.252.42.03",
                        ),
                    ),
                ],
            },
        ),
        (
            "cloudtrail/stratus-red-team_detonation-logs/aws.persistence.iam-backdoor-role.json",
            Parser::CloudTrailFile,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Info,
                    Exact("cloudtrail:62e290e2-ee95-4a7c-a9f8-db4ef462b12d"),
                    "UpdateAssumeRolePolicy by arn:aws:iam::751203476945:user/christophe from 225.178.039.250",
                ),
            ]),
        ),
        (
            "cloudtrail/stratus-red-team_detonation-logs/aws.persistence.iam-backdoor-user.json",
            Parser::CloudTrailFile,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Info,
                    Exact("cloudtrail:c64c4ded-ef03-4e5c-81eb-153b118d72f2"),
                    "CreateAccessKey by arn:aws:iam::946986569305:user/christophe from 211.9.016.253",
                ),
            ]),
        ),
        (
            "cloudtrail/stratus-red-team_detonation-logs/aws.persistence.iam-create-admin-user.json",
            Parser::CloudTrailFile,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Info,
                    Exact("cloudtrail:083dc4ad-e264-46bc-a407-d0dd31b58bdc"),
                    "AttachUserPolicy by arn:aws:iam::229654561268:user/christophe from 075.050.255.67",
                ),
                ev(
                    Trigger,
                    Info,
                    Exact("cloudtrail:94faedcc-0fa4-46e6-9322-022e8e934f04"),
                    "CreateAccessKey by arn:aws:iam::229654561268:user/christophe from 075.050.255.67",
                ),
                ev(
                    Trigger,
                    Info,
                    Exact("cloudtrail:3346344c-5a3e-429e-8405-420f98f75d6e"),
                    "CreateUser by arn:aws:iam::229654561268:user/christophe from 075.050.255.67",
                ),
            ]),
        ),
        (
            "cloudtrail/stratus-red-team_detonation-logs/aws.persistence.iam-create-backdoor-role.json",
            Parser::CloudTrailFile,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Info,
                    Exact("cloudtrail:39480357-0a1d-4531-a3f2-71be4c041c25"),
                    "AttachRolePolicy by arn:aws:iam::609418236337:user/christophe from 209.209.254.254",
                ),
                ev(
                    Trigger,
                    Info,
                    Exact("cloudtrail:d2905ac3-9898-433f-b10d-9302abe4e208"),
                    "CreateRole by arn:aws:iam::609418236337:user/christophe from 209.209.254.254",
                ),
            ]),
        ),
        (
            "cloudtrail/stratus-red-team_detonation-logs/aws.persistence.iam-create-user-login-profile.json",
            Parser::CloudTrailFile,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Info,
                    Exact("cloudtrail:e544d47e-6d75-45cf-a8a9-7e90d5f7d38d"),
                    "GetCallerIdentity by arn:aws:iam::070411556318:user/christophe from 253.234.5.234",
                ),
                ev(
                    Trigger,
                    Info,
                    Exact("cloudtrail:64fb98c9-cb40-4f9a-b800-6c15e82e9be6"),
                    "DeleteLoginProfile by arn:aws:iam::070411556318:user/christophe from 253.234.5.234 failed: EntityTemporarilyUnmodifiableException",
                ),
                ev(
                    Trigger,
                    Info,
                    Exact("cloudtrail:d3906a7d-604b-407f-acb6-fc425742821e"),
                    "CreateLoginProfile by arn:aws:iam::070411556318:user/christophe from 253.234.5.234",
                ),
            ]),
        ),
        (
            "cloudtrail/stratus-red-team_detonation-logs/aws.persistence.lambda-backdoor-function.json",
            Parser::CloudTrailFile,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Info,
                    Exact("cloudtrail:b67a9bba-d9da-4980-bf74-baed881b117d"),
                    "AddPermission20150331v2 by arn:aws:iam::880896431042:user/christophe from 151.236.251.251",
                ),
            ]),
        ),
        (
            "cloudtrail/stratus-red-team_detonation-logs/aws.persistence.lambda-layer-extension.json",
            Parser::CloudTrailFile,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Info,
                    Exact("cloudtrail:da929d96-8e20-475c-a810-973addd64769"),
                    "UpdateFunctionConfiguration20150331v2 by arn:aws:iam::712967571683:user/christophe from 211.219.255.238",
                ),
            ]),
        ),
        (
            "cloudtrail/stratus-red-team_detonation-logs/aws.persistence.lambda-overwrite-code.json",
            Parser::CloudTrailFile,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Info,
                    Exact("cloudtrail:4672b74f-2466-4784-b3fb-5b4db904a995"),
                    "UpdateFunctionCode20150331v2 by arn:aws:iam::266106314375:user/christophe from 253.8.50.132",
                ),
            ]),
        ),
        (
            "cloudtrail/stratus-red-team_detonation-logs/aws.persistence.rolesanywhere-create-trust-anchor.json",
            Parser::CloudTrailFile,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Info,
                    Exact("cloudtrail:66e5f252-e092-4ad0-9a33-a03595e05aca"),
                    "CreateTrustAnchor by arn:aws:iam::791182566784:user/christophe from 221.252.237.0",
                ),
                ev(
                    Trigger,
                    Info,
                    Exact("cloudtrail:aebbe7b5-7cfb-4b00-a30c-48078fedffd8"),
                    "CreateProfile by arn:aws:iam::791182566784:user/christophe from 221.252.237.0",
                ),
            ]),
        ),
        (
            "cloudtrail/stratus-red-team_detonation-logs/aws.persistence.sts-federation-token.json",
            Parser::CloudTrailFile,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Info,
                    Exact("cloudtrail:6e882b9d-2af8-4c67-b91f-aeac6a0e5e70"),
                    "GetFederationToken by arn:aws:iam::742491224508:user/stratus-red-team-user-federation-user from 255.090.254.5",
                ),
                ev(
                    Trigger,
                    Info,
                    Exact("cloudtrail:91529247-c4c4-4793-afc8-d70bbcfe9d19"),
                    "GetCallerIdentity by arn:aws:sts::742491224508:federated-user/stratus_red_team from 255.090.254.5",
                ),
            ]),
        ),
        (
            "cloudtrail/stratus-red-team_detonation-logs/aws.privilege-escalation.iam-update-user-login-profile.json",
            Parser::CloudTrailFile,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Info,
                    Exact("cloudtrail:a46a1a42-9ef1-48d4-9c61-507eb6d4019f"),
                    "UpdateLoginProfile by arn:aws:iam::763751499319:user/christophe from 212.3.253.233",
                ),
            ]),
        ),
        (
            "cloudwatch-sns/aws-lambda-rust-runtime/example-cloudwatch-alarm-composite-with-suppressor-alarm.json",
            Parser::EventBridge,
            Expect::Rejected {
                code: ErrorCode::WrongPayloadKind,
                message_contains: "the body has alarmData instead",
            },
        ),
        (
            "cloudwatch-sns/aws-lambda-rust-runtime/example-cloudwatch-alarm-composite.json",
            Parser::EventBridge,
            Expect::Rejected {
                code: ErrorCode::WrongPayloadKind,
                message_contains: "looks like a CloudWatch alarm Lambda-action payload",
            },
        ),
        (
            "cloudwatch-sns/aws-lambda-rust-runtime/example-cloudwatch-alarm-metric.json",
            Parser::EventBridge,
            Expect::Rejected {
                code: ErrorCode::WrongPayloadKind,
                message_contains: "looks like a CloudWatch alarm Lambda-action payload",
            },
        ),
        (
            "cloudwatch-sns/aws-lambda-rust-runtime/example-cloudwatch-alarm-sns-payload-multiple-metrics.json",
            Parser::SnsLambda,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Error,
                    Exact("arn:aws:cloudwatch:REGION:ACCOUNT_NUMBER:alarm:EXAMPLE"),
                    "ALARM: EXAMPLE",
                )
                .res(&["arn:aws:cloudwatch:REGION:ACCOUNT_NUMBER:alarm:EXAMPLE"]),
                ev(
                    Trigger,
                    Error,
                    Exact("arn:aws:cloudwatch:REGION:ACCOUNT_NUMBER:alarm:EXAMPLE"),
                    "ALARM: EXAMPLE",
                )
                .res(&["arn:aws:cloudwatch:REGION:ACCOUNT_NUMBER:alarm:EXAMPLE"]),
            ]),
        ),
        (
            "cloudwatch-sns/aws-lambda-rust-runtime/example-cloudwatch-alarm-sns-payload-single-metric.json",
            Parser::SnsLambda,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Error,
                    Exact("arn:aws:cloudwatch:REGION:ACCOUNT_NUMBER:alarm:EXAMPLE"),
                    "ALARM: EXAMPLE",
                )
                .res(&["arn:aws:cloudwatch:REGION:ACCOUNT_NUMBER:alarm:EXAMPLE"]),
            ]),
        ),
        (
            "cloudwatch-sns/aws-lambda-rust-runtime/example-sns-event.json",
            Parser::SnsLambda,
            Expect::Events(vec![
                ev(Trigger, Warning, Exact("sns:82833b5c-8d5d-56d0-b0e1-7511f8253eb8"), "Greetings"),
            ]),
        ),
        (
            "cloudwatch-sns/awsdocs_cloudwatch_eventbridge/cloudwatch-alarm-configuration-change_creation-of-a-composite-alarm-with-a-suppressor-al_L266.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Info,
                    Exact("eventbridge:454773e1-09f7-945b-aa2c-590af1c3f8e0"),
                    "CloudWatch Alarm Configuration Change",
                )
                .res(&[
                    "arn:aws:cloudwatch:us-east-1:123456789012:alarm:ServiceAggregatedAlarm",
                ])
                .notice(),
            ]),
        ),
        (
            "cloudwatch-sns/awsdocs_cloudwatch_eventbridge/cloudwatch-alarm-configuration-change_creation-of-a-composite-alarm_L230.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Info,
                    Exact("eventbridge:91535fdd-1e9c-849d-624b-9a9f2b1d09d0"),
                    "CloudWatch Alarm Configuration Change",
                )
                .res(&[
                    "arn:aws:cloudwatch:us-east-1:123456789012:alarm:ServiceAggregatedAlarm",
                ])
                .notice(),
            ]),
        ),
        (
            "cloudwatch-sns/awsdocs_cloudwatch_eventbridge/cloudwatch-alarm-configuration-change_deletion-of-a-composite-alarm-with-a-suppressor-al_L516.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Info,
                    Exact("eventbridge:e34592a1-46c0-b316-f614-1b17a87be9dc"),
                    "CloudWatch Alarm Configuration Change",
                )
                .res(&[
                    "arn:aws:cloudwatch:us-east-1:123456789012:alarm:ServiceAggregatedAlarm",
                ])
                .notice(),
            ]),
        ),
        (
            "cloudwatch-sns/awsdocs_cloudwatch_eventbridge/cloudwatch-alarm-configuration-change_deletion-of-a-metric-math-alarm_L439.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Info,
                    Exact("eventbridge:f171d220-9e1c-c252-5042-2677347a83ed"),
                    "CloudWatch Alarm Configuration Change",
                )
                .res(&[
                    "arn:aws:cloudwatch:us-east-1:123456789012:alarm:TotalNetworkTrafficTooHigh",
                ])
                .notice(),
            ]),
        ),
        (
            "cloudwatch-sns/awsdocs_cloudwatch_eventbridge/cloudwatch-alarm-configuration-change_update-of-a-composite-alarm-with-a-suppressor-alar_L389.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Info,
                    Exact("eventbridge:4c6f4177-6bd5-c0ca-9f05-b4151c54568b"),
                    "CloudWatch Alarm Configuration Change",
                )
                .res(&[
                    "arn:aws:cloudwatch:us-east-1:123456789012:alarm:ServiceAggregatedAlarm",
                ])
                .notice(),
            ]),
        ),
        (
            "cloudwatch-sns/awsdocs_cloudwatch_eventbridge/cloudwatch-alarm-configuration-change_update-of-a-metric-alarm_L303.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Info,
                    Exact("eventbridge:bc7d3391-47f8-ae47-f457-1b4d06118d50"),
                    "CloudWatch Alarm Configuration Change",
                )
                .res(&["arn:aws:cloudwatch:us-east-1:123456789012:alarm:ServerCpuTooHigh"])
                .notice(),
            ]),
        ),
        (
            "cloudwatch-sns/awsdocs_cloudwatch_eventbridge/cloudwatch-alarm-state-change_alarms-also-publish-events-to-amazon-eventbridge-w_L11.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Error,
                    Exact("arn:aws:cloudwatch:us-east-1:123456789012:alarm:my-alarm-name"),
                    "ALARM: my-alarm-name",
                )
                .res(&["arn:aws:cloudwatch:us-east-1:123456789012:alarm:my-alarm-name"]),
            ]),
        ),
        (
            "cloudwatch-sns/awsdocs_cloudwatch_eventbridge/cloudwatch-alarm-state-change_state-change-for-a-composite-alarm-with-a-suppress_L190.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Error,
                    Exact("arn:aws:cloudwatch:us-east-1:123456789012:alarm:ServiceAggregatedAlarm"),
                    "ALARM: ServiceAggregatedAlarm",
                )
                .res(&[
                    "arn:aws:cloudwatch:us-east-1:123456789012:alarm:ServiceAggregatedAlarm",
                ]),
            ]),
        ),
        (
            "cloudwatch-sns/awsdocs_cloudwatch_eventbridge/cloudwatch-alarm-state-change_state-change-for-a-metric-math-alarm_L65.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Error,
                    Exact("arn:aws:cloudwatch:us-east-1:123456789012:alarm:TotalNetworkTrafficTooHigh"),
                    "ALARM: TotalNetworkTrafficTooHigh",
                )
                .res(&[
                    "arn:aws:cloudwatch:us-east-1:123456789012:alarm:TotalNetworkTrafficTooHigh",
                ]),
            ]),
        ),
        (
            "cloudwatch-sns/awsdocs_cloudwatch_eventbridge/cloudwatch-alarm-state-change_state-change-for-a-single-metric-alarm_L13.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Error,
                    Exact("arn:aws:cloudwatch:us-east-1:123456789012:alarm:ServerCpuTooHigh"),
                    "ALARM: ServerCpuTooHigh",
                )
                .res(&["arn:aws:cloudwatch:us-east-1:123456789012:alarm:ServerCpuTooHigh"]),
            ]),
        ),
        (
            "cloudwatch-sns/awsdocs_cloudwatch_eventbridge/cloudwatch-alarm-state-change_state-change-for-an-anomaly-detection-alarm_L137.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Error,
                    Exact("arn:aws:cloudwatch:us-east-1:123456789012:alarm:EC2 CPU Utilization Anomaly"),
                    "ALARM: EC2 CPU Utilization Anomaly",
                )
                .res(&[
                    "arn:aws:cloudwatch:us-east-1:123456789012:alarm:EC2 CPU Utilization Anomaly",
                ]),
            ]),
        ),
        (
            "cloudwatch-sns/awsdocs_sns/sns-http_Notification_L155.body.json",
            Parser::Sns,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Warning,
                    Exact("sns:22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324"),
                    "My First Message",
                ),
            ]),
        ),
        (
            "cloudwatch-sns/awsdocs_sns/sns-http_Notification_L155.http",
            Parser::SnsHttp,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Warning,
                    Exact("sns:22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324"),
                    "My First Message",
                ),
            ]),
        ),
        (
            "cloudwatch-sns/awsdocs_sns/sns-http_SubscriptionConfirmation_L91.body.json",
            Parser::Sns,
            Expect::Confirmation(SnsMessageType::SubscriptionConfirmation),
        ),
        (
            "cloudwatch-sns/awsdocs_sns/sns-http_SubscriptionConfirmation_L91.http",
            Parser::SnsHttp,
            Expect::Confirmation(SnsMessageType::SubscriptionConfirmation),
        ),
        (
            "cloudwatch-sns/awsdocs_sns/sns-http_UnsubscribeConfirmation_L225.body.json",
            Parser::Sns,
            Expect::Confirmation(SnsMessageType::UnsubscribeConfirmation),
        ),
        (
            "cloudwatch-sns/awsdocs_sns/sns-http_UnsubscribeConfirmation_L225.http",
            Parser::SnsHttp,
            Expect::Confirmation(SnsMessageType::UnsubscribeConfirmation),
        ),
        (
            "cloudwatch-sns/awsdocs_sns/sns-http_headers-only_L31.http",
            Parser::SnsHttp,
            Expect::Rejected {
                code: ErrorCode::InvalidJson,
                message_contains: "the body is empty",
            },
        ),
        (
            "eventbridge/aws-lambda-rust-runtime/example-autoscaling-event-launch-successful.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Resolve,
                    Error,
                    Exact("autoscaling:123456789012:us-west-2:my-auto-scaling-group/launch"),
                    "Auto Scaling my-auto-scaling-group: EC2 Instance Launch Successful",
                )
                .res(&["auto-scaling-group-arn", "instance-arn"]),
            ]),
        ),
        (
            "eventbridge/aws-lambda-rust-runtime/example-autoscaling-event-launch-unsuccessful.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Error,
                    Exact("autoscaling:123456789012:us-west-2:my-auto-scaling-group/launch"),
                    "Auto Scaling my-auto-scaling-group: EC2 Instance Launch Unsuccessful: message-text",
                )
                .res(&["auto-scaling-group-arn", "instance-arn"]),
            ]),
        ),
        (
            "eventbridge/aws-lambda-rust-runtime/example-autoscaling-event-lifecycle-action.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Info,
                    Exact("eventbridge:12345678-1234-1234-1234-123456789012"),
                    "Auto Scaling my-asg: EC2 Instance-launch Lifecycle Action",
                )
                .res(&["auto-scaling-group-arn"])
                .notice(),
            ]),
        ),
        (
            "eventbridge/aws-lambda-rust-runtime/example-autoscaling-event-terminate-successful.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Resolve,
                    Error,
                    Exact("autoscaling:123456789012:us-west-2:my-auto-scaling-group/terminate"),
                    "Auto Scaling my-auto-scaling-group: EC2 Instance Terminate Successful",
                )
                .res(&["auto-scaling-group-arn", "instance-arn"]),
            ]),
        ),
        (
            "eventbridge/aws-lambda-rust-runtime/example-cloudwatch-cloudtrail-assumed-role.json",
            Parser::CloudTrailRecord,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Info,
                    Exact("cloudtrail:00000000-0000-0000-0000-000000000000"),
                    "CreateManagedAccount by arn:aws:sts::123456789000:assumed-role/AWSReservedSSO_AWSAdministratorAccess_abcdef1234567890/me@dev.com from servicecatalog.amazonaws.com",
                ),
            ]),
        ),
        (
            "eventbridge/aws-lambda-rust-runtime/example-cloudwatch-cloudtrail-unknown-federate.json",
            Parser::CloudTrailRecord,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Info,
                    Exact("cloudtrail:00000000-0000-0000-0000-000000000000"),
                    "Federate by me@dev.com from 1.1.1.1",
                ),
            ]),
        ),
        (
            "eventbridge/aws-lambda-rust-runtime/example-cloudwatch-cloudtrail-unknown-user-auth.json",
            Parser::CloudTrailRecord,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Info,
                    Exact("cloudtrail:00000000-0000-0000-0000-000000000000"),
                    "UserAuthentication by 123456789000 from 1.1.1.1",
                ),
            ]),
        ),
        (
            "eventbridge/aws-lambda-rust-runtime/example-codebuild-phase-change.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Info,
                    Exact("eventbridge:43ddc2bd-af76-9ca5-2dc7-b695e15adeEX"),
                    "CodeBuild my-sample-project phase COMPLETED SUCCEEDED",
                )
                .res(&[
                    "arn:aws:codebuild:us-west-2:123456789012:build/my-sample-project:8745a7a9-c340-456a-9166-edf953571bEX",
                ])
                .notice(),
            ]),
        ),
        (
            "eventbridge/aws-lambda-rust-runtime/example-codebuild-state-change.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Resolve,
                    Error,
                    Exact("codebuild:123456789012:us-west-2:my-sample-project"),
                    "CodeBuild my-sample-project build SUCCEEDED",
                )
                .res(&[
                    "arn:aws:codebuild:us-west-2:123456789012:build/my-sample-project:8745a7a9-c340-456a-9166-edf953571bEX",
                ]),
            ]),
        ),
        (
            "eventbridge/aws-lambda-rust-runtime/example-codedeploy-deployment-event.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Resolve,
                    Error,
                    Exact("codedeploy:123456789012:us-east-1:myApplication/myDeploymentGroup"),
                    "CodeDeploy myApplication/myDeploymentGroup deployment d-123456789 SUCCESS",
                )
                .res(&[
                    "arn:aws:codedeploy:us-east-1:123456789012:application:myApplication",
                    "arn:aws:codedeploy:us-east-1:123456789012:deploymentgroup:myApplication/myDeploymentGroup",
                ]),
            ]),
        ),
        (
            "eventbridge/aws-lambda-rust-runtime/example-codedeploy-instance-event.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Resolve,
                    Error,
                    Exact("codedeploy:123456789012:us-east-1:myApplication/myDeploymentGroup/i-0000000aaaaaaaaaa"),
                    "CodeDeploy myApplication/myDeploymentGroup instance i-0000000aaaaaaaaaa SUCCESS",
                )
                .res(&[
                    "arn:aws:ec2:us-east-1:123456789012:instance/i-0000000aaaaaaaaaa",
                    "arn:aws:codedeploy:us-east-1:123456789012:deploymentgroup:myApplication/myDeploymentGroup",
                    "arn:aws:codedeploy:us-east-1:123456789012:application:myApplication",
                ]),
            ]),
        ),
        (
            "eventbridge/aws-lambda-rust-runtime/example-codepipeline-action-execution-stage-change-event.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Info,
                    Exact("eventbridge:CWE-event-id"),
                    "CodePipeline myPipeline stage Prod action myAction STARTED",
                )
                .res(&["arn:aws:codepipeline:us-east-1:123456789012:pipeline:myPipeline"])
                .notice(),
            ]),
        ),
        (
            "eventbridge/aws-lambda-rust-runtime/example-codepipeline-execution-stage-change-event.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Info,
                    Exact("eventbridge:CWE-event-id"),
                    "CodePipeline Stage Execution State Change: STARTED",
                )
                .res(&["arn:aws:codepipeline:us-east-1:123456789012:pipeline:myPipeline"])
                .notice(),
            ]),
        ),
        (
            "eventbridge/aws-lambda-rust-runtime/example-codepipeline-execution-state-change-event.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Info,
                    Exact("eventbridge:CWE-event-id"),
                    "CodePipeline myPipeline STARTED",
                )
                .res(&["arn:aws:codepipeline:us-east-1:123456789012:pipeline:myPipeline"])
                .notice(),
            ]),
        ),
        (
            "eventbridge/aws-lambda-rust-runtime/example-ecr-image-scan-event.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Info,
                    Exact("eventbridge:01234567-0123-0123-0123-012345678901"),
                    "ECR Image Scan: COMPLETE",
                )
                .res(&[
                    "arn:aws:ecr:eu-north-1:123456789012:repository/tribble-image-scan-test",
                ])
                .notice(),
            ]),
        ),
        (
            "eventbridge/aws-lambda-rust-runtime/example-eventbridge-schedule.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Info,
                    Exact("eventbridge:53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa"),
                    "Scheduled Event",
                )
                .res(&["arn:aws:events:us-east-1:123456789012:rule/my-scheduled-rule"])
                .notice(),
            ]),
        ),
        (
            "eventbridge/awsdocs_cloudwatch-events_EventTypes/_invalid-json-in-upstream-docs/EventTypes_L1559_aws-health-event-format.txt",
            Parser::EventBridge,
            Expect::Rejected {
                code: ErrorCode::InvalidJson,
                message_contains: "invalid JSON",
            },
        ),
        (
            "eventbridge/awsdocs_cloudwatch-events_EventTypes/_invalid-json-in-upstream-docs/EventTypes_L1599_elastic-load-balancing-api-issue.txt",
            Parser::EventBridge,
            Expect::Rejected {
                code: ErrorCode::InvalidJson,
                message_contains: "invalid JSON",
            },
        ),
        (
            "eventbridge/awsdocs_cloudwatch-events_EventTypes/_invalid-json-in-upstream-docs/EventTypes_L1625_amazon-ec2-instance-store-drive-performa.txt",
            Parser::EventBridge,
            Expect::Rejected {
                code: ErrorCode::InvalidJson,
                message_contains: "invalid JSON",
            },
        ),
        (
            "eventbridge/awsdocs_cloudwatch-events_EventTypes/_invalid-json-in-upstream-docs/EventTypes_L162_unreferencedmergecommitcreated-event.txt",
            Parser::EventBridge,
            Expect::Rejected {
                code: ErrorCode::InvalidJson,
                message_contains: "invalid JSON",
            },
        ),
        (
            "eventbridge/awsdocs_cloudwatch-events_EventTypes/aws-codecommit_codecommit-comment-on-commit_commentoncommitcreated-event_L191.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Info,
                    Exact("eventbridge:e9dce2e9-5f82-f674-c9c7-6319dac92cc1"),
                    "CodeCommit Comment on Commit",
                )
                .res(&["arn:aws:codecommit:us-east-1:123456789012:my-new-repository"])
                .notice(),
            ]),
        ),
        (
            "eventbridge/awsdocs_cloudwatch-events_EventTypes/aws-codecommit_codecommit-comment-on-commit_commentoncommitupdated-event_L219.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Info,
                    Exact("eventbridge:98377d67-b006-cdc3-1363-8a0aee2316f8"),
                    "CodeCommit Comment on Commit",
                )
                .res(&["arn:aws:codecommit:us-east-1:123456789012:my-new-repository"])
                .notice(),
            ]),
        ),
        (
            "eventbridge/awsdocs_cloudwatch-events_EventTypes/aws-codecommit_codecommit-comment-on-pull-request_commentonpullrequestcreated-ev_L247.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Info,
                    Exact("eventbridge:98377d67-b006-cdc3-1363-8a0aee2316f8"),
                    "CodeCommit Comment on Pull Request",
                )
                .res(&["arn:aws:codecommit:us-east-1:123456789012:my-new-repository"])
                .notice(),
            ]),
        ),
        (
            "eventbridge/awsdocs_cloudwatch-events_EventTypes/aws-codecommit_codecommit-comment-on-pull-request_commentonpullrequestupdated-ev_L276.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Info,
                    Exact("eventbridge:98377d67-b006-cdc3-1363-8a0aee2316f8"),
                    "CodeCommit Comment on Pull Request",
                )
                .res(&["arn:aws:codecommit:us-east-1:123456789012:my-new-repository"])
                .notice(),
            ]),
        ),
        (
            "eventbridge/awsdocs_cloudwatch-events_EventTypes/aws-codecommit_codecommit-pull-request-state-change_pullrequestcreated-event_L305.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Info,
                    Exact("eventbridge:98377d67-b006-cdc3-1363-8a0aee2316f8"),
                    "CodeCommit Pull Request State Change: Open",
                )
                .res(&["arn:aws:codecommit:us-east-1:123456789012:my-new-repository"])
                .notice(),
            ]),
        ),
        (
            "eventbridge/awsdocs_cloudwatch-events_EventTypes/aws-codecommit_codecommit-pull-request-state-change_pullrequestsourcebranchupdated_L340.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Info,
                    Exact("eventbridge:98377d67-b006-cdc3-1363-8a0aee2316f8"),
                    "CodeCommit Pull Request State Change: Open",
                )
                .res(&["arn:aws:codecommit:us-east-1:123456789012:my-new-repository"])
                .notice(),
            ]),
        ),
        (
            "eventbridge/awsdocs_cloudwatch-events_EventTypes/aws-codecommit_codecommit-pull-request-state-change_pullrequeststatuschanged-event_L375.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Info,
                    Exact("eventbridge:98377d67-b006-cdc3-1363-8a0aee2316f8"),
                    "CodeCommit Pull Request State Change: Closed",
                )
                .res(&["arn:aws:codecommit:us-east-1:123456789012:my-new-repository"])
                .notice(),
            ]),
        ),
        (
            "eventbridge/awsdocs_cloudwatch-events_EventTypes/aws-codecommit_codecommit-pullrequest-state-change_pullrequestmergestatusupdated-_L410.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Info,
                    Exact("eventbridge:01234567-0123-0123-0123-012345678901"),
                    "CodeCommit PullRequest State Change: Closed",
                )
                .res(&["arn:aws:codecommit:us-east-1:123456789012:myRepo"])
                .notice(),
            ]),
        ),
        (
            "eventbridge/awsdocs_cloudwatch-events_EventTypes/aws-codecommit_codecommit-repository-state-change_referencecreated-event_L77.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Info,
                    Exact("eventbridge:01234567-0123-0123-0123-012345678901"),
                    "CodeCommit Repository State Change",
                )
                .res(&["arn:aws:codecommit:us-east-1:123456789012:myRepo"])
                .notice(),
            ]),
        ),
        (
            "eventbridge/awsdocs_cloudwatch-events_EventTypes/aws-codecommit_codecommit-repository-state-change_referencedeleted-event_L136.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Info,
                    Exact("eventbridge:01234567-0123-0123-0123-012345678901"),
                    "CodeCommit Repository State Change",
                )
                .res(&["arn:aws:codecommit:us-east-1:123456789012:myRepo"])
                .notice(),
            ]),
        ),
        (
            "eventbridge/awsdocs_cloudwatch-events_EventTypes/aws-codecommit_codecommit-repository-state-change_referenceupdated-event_L103.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Info,
                    Exact("eventbridge:01234567-0123-0123-0123-012345678901"),
                    "CodeCommit Repository State Change",
                )
                .res(&["arn:aws:codecommit:us-east-1:123456789012:myRepo"])
                .notice(),
            ]),
        ),
        (
            "eventbridge/awsdocs_cloudwatch-events_EventTypes/aws-codedeploy_codedeploy-deployment-state-change-notification_there-was-a-change-in-the-stat_L452.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Resolve,
                    Error,
                    Exact("codedeploy:123456789012:us-east-1:myApplication/myDeploymentGroup"),
                    "CodeDeploy myApplication/myDeploymentGroup deployment d-123456789 SUCCESS",
                )
                .res(&[
                    "arn:aws:codedeploy:us-east-1:123456789012:application:myApplication",
                    "arn:aws:codedeploy:us-east-1:123456789012:deploymentgroup:myApplication/myDeploymentGroup",
                ]),
            ]),
        ),
        (
            "eventbridge/awsdocs_cloudwatch-events_EventTypes/aws-codedeploy_codedeploy-instance-state-change-notification_there-was-a-change-in-the-stat_L480.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Resolve,
                    Error,
                    Exact("codedeploy:123456789012:us-east-1:myApplication/myDeploymentGroup/i-0000000aaaaaaaaaa"),
                    "CodeDeploy myApplication/myDeploymentGroup instance i-0000000aaaaaaaaaa SUCCESS",
                )
                .res(&[
                    "arn:aws:ec2:us-east-1:123456789012:instance/i-0000000aaaaaaaaaa",
                    "arn:aws:codedeploy:us-east-1:123456789012:deploymentgroup:myApplication/myDeploymentGroup",
                    "arn:aws:codedeploy:us-east-1:123456789012:application:myApplication",
                ]),
            ]),
        ),
        (
            "eventbridge/awsdocs_cloudwatch-events_EventTypes/aws-codepipeline_codepipeline-action-execution-state-change_in-this-sample-there-are-two-r_L561.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Info,
                    Exact("eventbridge:CWE-event-id"),
                    "CodePipeline myPipeline stage Prod action myAction STARTED",
                )
                .res(&["arn:aws:codepipeline:us-east-1:123456789012:pipeline:myPipeline"])
                .notice(),
            ]),
        ),
        (
            "eventbridge/awsdocs_cloudwatch-events_EventTypes/aws-codepipeline_codepipeline-pipeline-execution-state-change_pipeline-execution-state-chang_L512.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Info,
                    Exact("eventbridge:CWE-event-id"),
                    "CodePipeline myPipeline STARTED",
                )
                .res(&["arn:aws:codepipeline:us-east-1:123456789012:pipeline:myPipeline"])
                .notice(),
            ]),
        ),
        (
            "eventbridge/awsdocs_cloudwatch-events_EventTypes/aws-codepipeline_codepipeline-stage-execution-state-change_stage-execution-state-change_L535.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Info,
                    Exact("eventbridge:CWE-event-id"),
                    "CodePipeline myPipeline stage Prod STARTED",
                )
                .res(&["arn:aws:codepipeline:us-east-1:123456789012:pipeline:myPipeline"])
                .notice(),
            ]),
        ),
        (
            "eventbridge/awsdocs_cloudwatch-events_EventTypes/aws-ec2_ec2-instance-state-change-notification_this-example-is-for-an-instanc_L615.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Resolve,
                    Warning,
                    Exact("arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111"),
                    "EC2 instance i-abcd1111 is pending",
                )
                .res(&["arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111"]),
            ]),
        ),
        (
            "eventbridge/awsdocs_cloudwatch-events_EventTypes/aws-emr_emr-auto-scaling-policy-state-change_amazon-emr-auto-scaling-policy_L657.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Info,
                    Exact("eventbridge:2f8147ab-8c48-47c6-b0b6-3ee23ec8d300"),
                    "EMR Auto Scaling Policy State Change: PENDING",
                )
                .notice(),
            ]),
        ),
        (
            "eventbridge/awsdocs_cloudwatch-events_EventTypes/aws-emr_emr-cluster-state-change_amazon-emr-cluster-state-chang_L679.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Info,
                    Exact("eventbridge:999cccaa-eaaa-0000-1111-123456789012"),
                    "EMR Cluster State Change: STARTING",
                )
                .notice(),
            ]),
        ),
        (
            "eventbridge/awsdocs_cloudwatch-events_EventTypes/aws-emr_emr-cluster-state-change_amazon-emr-cluster-state-chang_L702.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Info,
                    Exact("eventbridge:1234abb0-f87e-1234-b7b6-000000123456"),
                    "EMR Cluster State Change: TERMINATED",
                )
                .notice(),
            ]),
        ),
        (
            "eventbridge/awsdocs_cloudwatch-events_EventTypes/aws-emr_emr-instance-group-state-change_amazon-emr-instance-group-stat_L725.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Info,
                    Exact("eventbridge:999cccaa-eaaa-0000-1111-123456789012"),
                    "EMR Instance Group State Change: RUNNING",
                )
                .notice(),
            ]),
        ),
        (
            "eventbridge/awsdocs_cloudwatch-events_EventTypes/aws-emr_emr-step-status-change_amazon-emr-step-status-change_L752.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Error,
                    Exact("eventbridge:999cccaa-eaaa-0000-1111-123456789012"),
                    "EMR Step Status Change: FAILED",
                ),
            ]),
        ),
        (
            "eventbridge/awsdocs_cloudwatch-events_EventTypes/aws-events_scheduled-event_the-following-is-an-example-of_L54.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Info,
                    Exact("eventbridge:53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa"),
                    "Scheduled Event",
                )
                .res(&["arn:aws:events:us-east-1:123456789012:rule/MyScheduledRule"])
                .notice(),
            ]),
        ),
        (
            "eventbridge/awsdocs_cloudwatch-events_EventTypes/aws-gamelift_gamelift-matchmaking-event_accept-match-completed_L955.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Info,
                    Exact("eventbridge:b1990d3d-f737-4d6c-b150-af5ace8c35d3"),
                    "GameLift Matchmaking Event",
                )
                .res(&[
                    "arn:aws:gamelift:us-west-2:123456789012:matchmakingconfiguration/SampleConfiguration",
                ])
                .notice(),
            ]),
        ),
        (
            "eventbridge/awsdocs_cloudwatch-events_EventTypes/aws-gamelift_gamelift-matchmaking-event_accept-match_L898.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Info,
                    Exact("eventbridge:b3f76d66-c8e5-416a-aa4c-aa1278153edc"),
                    "GameLift Matchmaking Event",
                )
                .res(&[
                    "arn:aws:gamelift:us-west-2:123456789012:matchmakingconfiguration/SampleConfiguration",
                ])
                .notice(),
            ]),
        ),
        (
            "eventbridge/awsdocs_cloudwatch-events_EventTypes/aws-gamelift_gamelift-matchmaking-event_matchmaking-cancelled_L1137.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Info,
                    Exact("eventbridge:8d6f84da-5e15-4741-8d5c-5ac99091c27f"),
                    "GameLift Matchmaking Event",
                )
                .res(&[
                    "arn:aws:gamelift:us-west-2:123456789012:matchmakingconfiguration/SampleConfiguration",
                ])
                .notice(),
            ]),
        ),
        (
            "eventbridge/awsdocs_cloudwatch-events_EventTypes/aws-gamelift_gamelift-matchmaking-event_matchmaking-failed_L1199.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Info,
                    Exact("eventbridge:025b55a4-41ac-4cf4-89d1-f2b3c6fd8f9d"),
                    "GameLift Matchmaking Event",
                )
                .res(&[
                    "arn:aws:gamelift:us-west-2:123456789012:matchmakingconfiguration/SampleConfiguration",
                ])
                .notice(),
            ]),
        ),
        (
            "eventbridge/awsdocs_cloudwatch-events_EventTypes/aws-gamelift_gamelift-matchmaking-event_matchmaking-searching_L780.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Info,
                    Exact("eventbridge:cc3d3ebe-1d90-48f8-b268-c96655b8f013"),
                    "GameLift Matchmaking Event",
                )
                .res(&[
                    "arn:aws:gamelift:us-west-2:123456789012:matchmakingconfiguration/SampleConfiguration",
                ])
                .notice(),
            ]),
        ),
        (
            "eventbridge/awsdocs_cloudwatch-events_EventTypes/aws-gamelift_gamelift-matchmaking-event_matchmaking-succeeded_L1011.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Info,
                    Exact("eventbridge:5ccb6523-0566-412d-b63c-1569e00d023d"),
                    "GameLift Matchmaking Event",
                )
                .res(&[
                    "arn:aws:gamelift:us-west-2:123456789012:matchmakingconfiguration/SampleConfiguration",
                ])
                .notice(),
            ]),
        ),
        (
            "eventbridge/awsdocs_cloudwatch-events_EventTypes/aws-gamelift_gamelift-matchmaking-event_matchmaking-timed-out_L1073.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Info,
                    Exact("eventbridge:fe528a7d-46ad-4bdc-96cb-b094b5f6bf56"),
                    "GameLift Matchmaking Event",
                )
                .res(&[
                    "arn:aws:gamelift:us-west-2:123456789012:matchmakingconfiguration/SampleConfiguration",
                ])
                .notice(),
            ]),
        ),
        (
            "eventbridge/awsdocs_cloudwatch-events_EventTypes/aws-gamelift_gamelift-matchmaking-event_potential-match-created_L819.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Info,
                    Exact("eventbridge:fce8633f-aea3-45bc-aeba-99d639cad2d4"),
                    "GameLift Matchmaking Event",
                )
                .res(&[
                    "arn:aws:gamelift:us-west-2:123456789012:matchmakingconfiguration/SampleConfiguration",
                ])
                .notice(),
            ]),
        ),
        (
            "eventbridge/awsdocs_cloudwatch-events_EventTypes/aws-glue_glue-crawler-state-change_crawler-failed_L1392.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Error,
                    Exact("eventbridge:f7965b59-470f-2e06-bb89-a8cebaabefac"),
                    "Glue Crawler State Change: Failed",
                ),
            ]),
        ),
        (
            "eventbridge/awsdocs_cloudwatch-events_EventTypes/aws-glue_glue-crawler-state-change_crawler-started_L1335.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Info,
                    Exact("eventbridge:05efe8a2-c309-6884-a41b-3508bcdc9695"),
                    "Glue Crawler State Change: Started",
                )
                .notice(),
            ]),
        ),
        (
            "eventbridge/awsdocs_cloudwatch-events_EventTypes/aws-glue_glue-crawler-state-change_crawler-succeeded_L1359.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Info,
                    Exact("eventbridge:3d675db5-59b9-6388-b8e8-e0a9b6d567a9"),
                    "Glue Crawler State Change: Succeeded",
                )
                .notice(),
            ]),
        ),
        (
            "eventbridge/awsdocs_cloudwatch-events_EventTypes/aws-glue_glue-data-catalog-database-state-change_in-the-following-example-the-t_L1523.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Info,
                    Exact("eventbridge:60e7ddc2-a588-5328-220a-21c060f6c3f4"),
                    "Glue Data Catalog Database State Change",
                )
                .res(&["arn:aws:glue:eu-west-1:123456789012:table/d1/t1"])
                .notice(),
            ]),
        ),
        (
            "eventbridge/awsdocs_cloudwatch-events_EventTypes/aws-glue_glue-data-catalog-table-state-change_aws-glue-data-catalog-table-st_L1495.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Info,
                    Exact("eventbridge:2617428d-715f-edef-70b8-d210da0317a0"),
                    "Glue Data Catalog Table State Change",
                )
                .res(&["arn:aws:glue:eu-west-1:123456789012:table/d1/t1"])
                .notice(),
            ]),
        ),
        (
            "eventbridge/awsdocs_cloudwatch-events_EventTypes/aws-glue_glue-job-run-status_job-run-is-in-running-state_L1443.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Info,
                    Exact("eventbridge:66fbc5e1-aac3-5e85-63d0-856ec669a050"),
                    "Glue Job Run Status: RUNNING",
                )
                .notice(),
            ]),
        ),
        (
            "eventbridge/awsdocs_cloudwatch-events_EventTypes/aws-glue_glue-job-run-status_job-run-is-in-starting-state_L1417.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Info,
                    Exact("eventbridge:66fbc5e1-aac3-5e85-63d0-856ec669a050"),
                    "Glue Job Run Status: STARTING",
                )
                .notice(),
            ]),
        ),
        (
            "eventbridge/awsdocs_cloudwatch-events_EventTypes/aws-glue_glue-job-run-status_job-run-is-in-stopping-state_L1469.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Info,
                    Exact("eventbridge:66fbc5e1-aac3-5e85-63d0-856ec669a050"),
                    "Glue Job Run Status: STOPPING",
                )
                .notice(),
            ]),
        ),
        (
            "eventbridge/awsdocs_cloudwatch-events_EventTypes/aws-glue_glue-job-state-change_failed-job-run_L1269.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Error,
                    Exact("eventbridge:abcdef01-1234-5678-9abc-def012345678"),
                    "Glue Job State Change: FAILED",
                ),
            ]),
        ),
        (
            "eventbridge/awsdocs_cloudwatch-events_EventTypes/aws-glue_glue-job-state-change_stopped-job-run_L1313.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Info,
                    Exact("eventbridge:abcdef00-1234-5678-9abc-def012345678"),
                    "Glue Job State Change: STOPPED",
                )
                .notice(),
            ]),
        ),
        (
            "eventbridge/awsdocs_cloudwatch-events_EventTypes/aws-glue_glue-job-state-change_successful-job-run_L1247.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Info,
                    Exact("eventbridge:abcdef00-1234-5678-9abc-def012345678"),
                    "Glue Job State Change: SUCCEEDED",
                )
                .notice(),
            ]),
        ),
        (
            "eventbridge/awsdocs_cloudwatch-events_EventTypes/aws-glue_glue-job-state-change_timeout_L1291.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Warning,
                    Exact("eventbridge:abcdef00-1234-5678-9abc-def012345678"),
                    "Glue Job State Change: TIMEOUT",
                ),
            ]),
        ),
        (
            "eventbridge/awsdocs_cloudwatch-events_EventTypes/aws-kms_kms-cmk-deletion_aws-kms-completed-a-scheduled-_L1708.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Info,
                    Exact("eventbridge:e9ce3425-7d22-412a-a699-e7a5fc3fbc9a"),
                    "KMS CMK Deletion",
                )
                .res(&[
                    "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
                ])
                .notice(),
            ]),
        ),
        (
            "eventbridge/awsdocs_cloudwatch-events_EventTypes/aws-kms_kms-cmk-rotation_aws-kms-automatically-rotated-_L1664.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Info,
                    Exact("eventbridge:6a7e8feb-b491-4cf7-a9f1-bf3703467718"),
                    "KMS CMK Rotation",
                )
                .res(&[
                    "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
                ])
                .notice(),
            ]),
        ),
        (
            "eventbridge/awsdocs_cloudwatch-events_EventTypes/aws-kms_kms-imported-key-material-expiration_aws-kms-deleted-a-cmk-s-expire_L1686.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Info,
                    Exact("eventbridge:9da9af57-9253-4406-87cb-7cc400e43465"),
                    "KMS Imported Key Material Expiration",
                )
                .res(&[
                    "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
                ])
                .notice(),
            ]),
        ),
        (
            "eventbridge/awsdocs_cloudwatch-events_EventTypes/aws-macie_macie-alert_alert-created_L1732.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(Trigger, Info, Exact("eventbridge:CWE-event-id"), "Macie Alert")
                    .res(&[
                        "arn:aws:macie:us-east-1:123456789012:trigger/trigger_id/alert/alert_id",
                        "arn:aws:macie:us-east-1:123456789012:trigger/trigger_id",
                    ])
                    .notice(),
            ]),
        ),
        (
            "eventbridge/awsdocs_cloudwatch-events_EventTypes/aws-macie_macie-alert_alert-created_L1827.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(Trigger, Info, Exact("eventbridge:CWE-event-id"), "Macie Alert")
                    .res(&[
                        "arn:aws:macie:us-east-1:123456789012:trigger/trigger_id/alert/alert_id",
                        "arn:aws:macie:us-east-1:123456789012:trigger/trigger_id",
                    ])
                    .notice(),
            ]),
        ),
        (
            "eventbridge/awsdocs_cloudwatch-events_EventTypes/aws-macie_macie-alert_alert-updated_L1895.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(Trigger, Info, Exact("eventbridge:CWE-event-id"), "Macie Alert")
                    .res(&[
                        "arn:aws:macie:us-east-1:123456789012:trigger/trigger_id/alert/alert_id",
                        "arn:aws:macie:us-east-1:123456789012:trigger/trigger_id",
                    ])
                    .notice(),
            ]),
        ),
        (
            "eventbridge/awsdocs_cloudwatch-events_EventTypes/aws-macie_macie-alert_alert-updated_L1954.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(Trigger, Info, Exact("eventbridge:CWE-event-id"), "Macie Alert")
                    .res(&[
                        "arn:aws:macie:us-east-1:123456789012:trigger/macie/alert/alert_id",
                        "arn:aws:macie:us-east-1:123456789012:trigger/macie",
                    ])
                    .notice(),
            ]),
        ),
        (
            "eventbridge/awsdocs_cloudwatch-events_EventTypes/aws-opsworks_opsworks-alert_an-aws-opsworks-stacks-service_L2179.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Info,
                    Exact("eventbridge:f99faa6f-0e27-e398-95bb-8f190806d275"),
                    "OpsWorks Alert",
                )
                .notice(),
            ]),
        ),
        (
            "eventbridge/awsdocs_cloudwatch-events_EventTypes/aws-opsworks_opsworks-command-state-change_superseded-a-command-was-skipp_L2120.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Info,
                    Exact("eventbridge:96c778b6-a40e-c8c1-aafc-c9852a3a7b52"),
                    "OpsWorks Command State Change: successful",
                )
                .res(&[
                    "arn:aws:opsworks:us-east-1:123456789012:instance/a648d98f-fdd8-4323-952a-a50a3e4e500f",
                ])
                .notice(),
            ]),
        ),
        (
            "eventbridge/awsdocs_cloudwatch-events_EventTypes/aws-opsworks_opsworks-deployment-state-change_failed_L2148.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Info,
                    Exact("eventbridge:b8230afa-60c7-f43f-b632-841c1cfb22ff"),
                    "OpsWorks Deployment State Change: successful",
                )
                .res(&[
                    "arn:aws:opsworks:us-east-1:123456789012:instance/a648d98f-fdd8-4323-952a-a50a3e4e500f",
                ])
                .notice(),
            ]),
        ),
        (
            "eventbridge/awsdocs_cloudwatch-events_EventTypes/aws-opsworks_opsworks-instance-state-change_terminated_L2080.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Info,
                    Exact("eventbridge:dc5fa8df-48f1-2108-b1b9-1fe5ebcf2296"),
                    "OpsWorks Instance State Change: requested",
                )
                .res(&[
                    "arn:aws:opsworks:us-east-1:123456789012:instance/a648d98f-fdd8-4323-952a-a50z3e4z500z",
                ])
                .notice(),
            ]),
        ),
        (
            "eventbridge/awsdocs_cloudwatch-events_EventTypes/aws-s3_aws-api-call-via-cloudtrail_the-following-is-an-example-of_L3127.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Error,
                    Exact("cloudtrail:24ba271e-d595-4e66-a7fd-9c16cbf8abae"),
                    "CreateBucket by arn:aws:iam::123456789012:root from 100.100.100.100",
                ),
            ]),
        ),
        (
            "eventbridge/awsdocs_cloudwatch-events_EventTypes/aws-sagemaker_sagemaker-hyperparameter-tuning-job-state-change_indicates-a-change-in-the-stat_L2282.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Info,
                    Exact("eventbridge:844e2571-85d4-695f-b930-0153b71dcb42"),
                    "SageMaker HyperParameter Tuning Job State Change: status",
                )
                .res(&["arn:aws:sagemaker:us-east-1:123456789012:tuningJob/x"])
                .notice(),
            ]),
        ),
        (
            "eventbridge/awsdocs_cloudwatch-events_EventTypes/aws-sagemaker_sagemaker-training-job-state-change_if-the-value-of-trainingjobsta_L2208.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Info,
                    Exact("eventbridge:844e2571-85d4-695f-b930-0153b71dcb42"),
                    "SageMaker Training Job State Change: Completed",
                )
                .res(&["arn:aws:sagemaker:us-east-1:123456789012:training-job/kmeans-1"])
                .notice(),
            ]),
        ),
        (
            "eventbridge/awsdocs_cloudwatch-events_EventTypes/aws-sagemaker_sagemaker-transform-job-state-change_if-the-value-of-transformjobst_L2373.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Info,
                    Exact("eventbridge:844e2571-85d4-695f-b930-0153b71dcb42"),
                    "SageMaker Transform Job State Change: Completed",
                )
                .res(&["arn:aws:sagemaker:us-east-1:123456789012:transform-job/myjob"])
                .notice(),
            ]),
        ),
        (
            "eventbridge/awsdocs_cloudwatch-events_EventTypes/aws-signin_aws-console-sign-in-via-cloudtrail_the-following-is-an-example-of_L2020.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Critical,
                    Exact("cloudtrail:324731c0-64b3-4421-b552-dfc3c27df4f6"),
                    "ConsoleLogin (Success) by arn:aws:iam::123456789012:root from 0.0.0.0",
                ),
            ]),
        ),
        (
            "eventbridge/awsdocs_cloudwatch-events_EventTypes/aws-sms_server-migration-job-state-change_completed-replication-job-noti_L2460.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Info,
                    Exact("eventbridge:3f9c59cc-f941-522a-be6d-f08e44ff1715"),
                    "Server Migration Job State Change: Completed",
                )
                .res(&[
                    "arn:aws:sms:us-west-1:123456789012:sms-job-2ea64347",
                    "arn:aws:sms:us-west-1:123456789012:sms-job-2ea64347/sms-run-e1a64388",
                ])
                .notice(),
            ]),
        ),
        (
            "eventbridge/awsdocs_cloudwatch-events_EventTypes/aws-sms_server-migration-job-state-change_deleted-replication-job-notifi_L2437.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Info,
                    Exact("eventbridge:5630992d-92cd-439f-f2a8-92c8212aee24"),
                    "Server Migration Job State Change: Deleted",
                )
                .res(&["arn:aws:sms:us-west-1:123456789012:sms-job-21a64348"])
                .notice(),
            ]),
        ),
        (
            "eventbridge/awsdocs_cloudwatch-events_EventTypes/aws-ssm_configuration-compliance-state-change_association-compliant_L2660.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Info,
                    Exact("eventbridge:01234567-0123-0123-0123-012345678901"),
                    "Configuration Compliance State Change: compliant",
                )
                .res(&[
                    "arn:aws:ssm:us-west-1:461348341421:managed-instance/i-01234567890abcdef",
                ])
                .notice(),
            ]),
        ),
        (
            "eventbridge/awsdocs_cloudwatch-events_EventTypes/aws-ssm_configuration-compliance-state-change_association-non-compliant_L2684.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Warning,
                    Exact("eventbridge:01234567-0123-0123-0123-012345678901"),
                    "Configuration Compliance State Change: non_compliant",
                )
                .res(&[
                    "arn:aws:ssm:us-west-1:461348341421:managed-instance/i-01234567890abcdef",
                ]),
            ]),
        ),
        (
            "eventbridge/awsdocs_cloudwatch-events_EventTypes/aws-ssm_configuration-compliance-state-change_patch-compliant_L2708.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Info,
                    Exact("eventbridge:01234567-0123-0123-0123-012345678901"),
                    "Configuration Compliance State Change: compliant",
                )
                .res(&[
                    "arn:aws:ssm:us-west-1:461348341421:managed-instance/i-01234567890abcdef",
                ])
                .notice(),
            ]),
        ),
        (
            "eventbridge/awsdocs_cloudwatch-events_EventTypes/aws-ssm_configuration-compliance-state-change_patch-non-compliant_L2733.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Critical,
                    Exact("eventbridge:01234567-0123-0123-0123-012345678901"),
                    "Configuration Compliance State Change: non_compliant",
                )
                .res(&[
                    "arn:aws:ssm:us-west-1:461348341421:managed-instance/i-01234567890abcdef",
                ]),
            ]),
        ),
        (
            "eventbridge/awsdocs_cloudwatch-events_EventTypes/aws-ssm_ec2-automation-execution-status-change-notificatio_automation-execution-status-ch_L2564.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Info,
                    Exact("eventbridge:d290ece9-1088-4383-9df6-cd5b4ac42b99"),
                    "EC2 Automation Execution Status-change Notification: Success",
                )
                .res(&[
                    "arn:aws:ssm:us-east-1:123456789012:automation-execution/333ba70b-2333-48db-b17e-a5e69c6f4d1c",
                    "arn:aws:ssm:us-east-1:123456789012:automation-definition/runcommand1:1",
                ])
                .notice(),
            ]),
        ),
        (
            "eventbridge/awsdocs_cloudwatch-events_EventTypes/aws-ssm_ec2-automation-step-status-change-notification_automation-step-status-change-_L2537.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Info,
                    Exact("eventbridge:eeca120b-a321-433e-9635-dab369006a6b"),
                    "EC2 Automation Step Status-change Notification: Success",
                )
                .res(&[
                    "arn:aws:ssm:us-east-1:123456789012:automation-execution/333ba70b-2333-48db-b17e-a5e69c6f4d1c",
                    "arn:aws:ssm:us-east-1:123456789012:automation-definition/runcommand1:1",
                ])
                .notice(),
            ]),
        ),
        (
            "eventbridge/awsdocs_cloudwatch-events_EventTypes/aws-ssm_ec2-command-invocation-status-change-notification_run-command-invocation-status-_L2515.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Info,
                    Exact("eventbridge:4780e1b8-f56b-4de5-95f2-95db273d1602"),
                    "EC2 Command Invocation Status-change Notification: Success",
                )
                .res(&["arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111"])
                .notice(),
            ]),
        ),
        (
            "eventbridge/awsdocs_cloudwatch-events_EventTypes/aws-ssm_ec2-command-status-change-notification_run-command-status-change-noti_L2489.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Info,
                    Exact("eventbridge:51c0891d-0e34-45b1-83d6-95db273d1602"),
                    "EC2 Command Status-change Notification: Success",
                )
                .res(&["arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111"])
                .notice(),
            ]),
        ),
        (
            "eventbridge/awsdocs_cloudwatch-events_EventTypes/aws-ssm_ec2-state-manager-association-state-change_state-manager-association-stat_L2590.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Info,
                    Exact("eventbridge:db839caf-6f6c-40af-9a48-25b2ae2b7774"),
                    "EC2 State Manager Association State Change: Success",
                )
                .res(&["arn:aws:ssm:us-west-1::document/AWS-RunPowerShellScript"])
                .notice(),
            ]),
        ),
        (
            "eventbridge/awsdocs_cloudwatch-events_EventTypes/aws-ssm_ec2-state-manager-instance-association-state-chang_state-manager-instance-associa_L2622.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Info,
                    Exact("eventbridge:6a7e8feb-b491-4cf7-a9f1-bf3703467718"),
                    "EC2 State Manager Instance Association State Change",
                )
                .res(&[
                    "arn:aws:ec2:us-east-1:123456789012:instance/i-12345678",
                    "arn:aws:ssm:us-east-1:123456789012:document/my-custom-document",
                ])
                .notice(),
            ]),
        ),
        (
            "eventbridge/awsdocs_cloudwatch-events_EventTypes/aws-ssm_maintenance-window-execution-state-change-notifica_the-other-possibilities-for-st_L2789.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Error,
                    Exact("eventbridge:01234567-0123-0123-0123-0123456789ab"),
                    "Maintenance Window Execution State-change Notification: TIMED_OUT",
                )
                .res(&[
                    "arn:aws:ssm:us-west-2:0123456789ab:maintenancewindow/mw-123456789012345678",
                ]),
            ]),
        ),
        (
            "eventbridge/awsdocs_cloudwatch-events_EventTypes/aws-ssm_maintenance-window-state-change-notification_the-possibilities-for-status-a_L2871.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Info,
                    Exact("eventbridge:01234567-0123-0123-0123-0123456789ab"),
                    "Maintenance Window State-change Notification: DISABLED",
                )
                .res(&[
                    "arn:aws:ssm:us-west-2:0123456789ab:maintenancewindow/mw-123456789012345678",
                ])
                .notice(),
            ]),
        ),
        (
            "eventbridge/awsdocs_cloudwatch-events_EventTypes/aws-ssm_maintenance-window-target-registration-notificatio_the-status-could-also-be-dereg_L2764.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Info,
                    Exact("eventbridge:01234567-0123-0123-0123-0123456789ab"),
                    "Maintenance Window Target Registration Notification: REGISTERED",
                )
                .res(&[
                    "arn:aws:ssm:us-west-2:001312665065:maintenancewindow/mw-0ed7251d3fcf6e0c2",
                    "arn:aws:ssm:us-west-2:001312665065:windowtarget/e7265f13-3cc5-4f2f-97a9-7d3ca86c32a6",
                ])
                .notice(),
            ]),
        ),
        (
            "eventbridge/awsdocs_cloudwatch-events_EventTypes/aws-ssm_maintenance-window-task-execution-state-change-not_the-other-possibilities-for-st_L2815.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Error,
                    Exact("eventbridge:01234567-0123-0123-0123-0123456789ab"),
                    "Maintenance Window Task Execution State-change Notification: TIMED_OUT",
                )
                .res(&[
                    "arn:aws:ssm:us-west-2:0123456789ab:maintenancewindow/mw-123456789012345678",
                ]),
            ]),
        ),
        (
            "eventbridge/awsdocs_cloudwatch-events_EventTypes/aws-ssm_maintenance-window-task-target-invocation-state-ch_the-other-possibilities-for-st_L2842.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Error,
                    Exact("eventbridge:01234567-0123-0123-0123-0123456789ab"),
                    "Maintenance Window Task Target Invocation State-change Notification: TIMED_OUT",
                )
                .res(&[
                    "arn:aws:ssm:us-west-2:0123456789ab:maintenancewindow/mw-123456789012345678",
                ]),
            ]),
        ),
        (
            "eventbridge/awsdocs_cloudwatch-events_EventTypes/aws-ssm_parameter-store-change_create-parameter_L2896.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Info,
                    Exact("eventbridge:6a7e4feb-b491-4cf7-a9f1-bf3703497718"),
                    "Parameter Store Change",
                )
                .res(&["arn:aws:ssm:us-east-1:123456789012:parameter/foo"])
                .notice(),
            ]),
        ),
        (
            "eventbridge/awsdocs_cloudwatch-events_EventTypes/aws-ssm_parameter-store-change_delete-parameter_L2942.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Info,
                    Exact("eventbridge:80e9b391-6a9b-413c-839a-453b528053af"),
                    "Parameter Store Change",
                )
                .res(&["arn:aws:ssm:us-east-1:123456789012:parameter/foo"])
                .notice(),
            ]),
        ),
        (
            "eventbridge/awsdocs_cloudwatch-events_EventTypes/aws-ssm_parameter-store-change_update-parameter_L2919.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Info,
                    Exact("eventbridge:9547ef2d-3b7e-4057-b6cb-5fdf09ee7c8f"),
                    "Parameter Store Change",
                )
                .res(&["arn:aws:ssm:us-east-1:123456789012:parameter/foo"])
                .notice(),
            ]),
        ),
        (
            "eventbridge/awsdocs_cloudwatch-events_EventTypes/aws-tag_tag-change-on-resource_the-following-is-an-example-of_L2971.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Info,
                    Exact("eventbridge:ffd8a6fe-32f8-ef66-c85c-111111111111"),
                    "Tag Change on Resource",
                )
                .res(&["arn:aws:ec2:us-east-1:123456789012:instance/i-0000000aaaaaaaaaa"])
                .notice(),
            ]),
        ),
        (
            "eventbridge/awsdocs_cloudwatch-events_EventTypes/aws-trustedadvisor_trusted-advisor-check-item-refresh-notification_exposed-access-keys_L3084.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Error,
                    Exact("eventbridge:1234abcd-ab12-123a-123a-1234567890ab"),
                    "Trusted Advisor Check Item Refresh Notification: ERROR",
                ),
            ]),
        ),
        (
            "eventbridge/awsdocs_cloudwatch-events_EventTypes/aws-trustedadvisor_trusted-advisor-check-item-refresh-notification_load-balancer-optimization_L3051.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Warning,
                    Exact("eventbridge:1234abcd-ab12-123a-123a-1234567890ab"),
                    "Trusted Advisor Check Item Refresh Notification: WARN",
                ),
            ]),
        ),
        (
            "eventbridge/awsdocs_cloudwatch-events_EventTypes/aws-trustedadvisor_trusted-advisor-check-item-refresh-notification_low-utilization-amazon-ec2-ins_L3006.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Warning,
                    Exact("eventbridge:1234abcd-ab12-123a-123a-1234567890ab"),
                    "Trusted Advisor Check Item Refresh Notification: WARN",
                ),
            ]),
        ),
        (
            "eventbridge/awsdocs_codepipeline-user-guide/_invalid-json-in-upstream-docs/detect-state-changes-cloudwatch-events_L284_.txt",
            Parser::EventBridge,
            Expect::Rejected {
                code: ErrorCode::InvalidJson,
                message_contains: "invalid JSON",
            },
        ),
        (
            "eventbridge/awsdocs_codepipeline-user-guide/_invalid-json-in-upstream-docs/detect-state-changes-cloudwatch-events_L415_.txt",
            Parser::EventBridge,
            Expect::Rejected {
                code: ErrorCode::InvalidJson,
                message_contains: "invalid JSON",
            },
        ),
        (
            "eventbridge/awsdocs_codepipeline-user-guide/aws-codepipeline_codepipeline-action-execution-state-change__L504.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Resolve,
                    Error,
                    Exact("codepipeline:123456789012:us-west-2:myPipeline/Source/Source"),
                    "CodePipeline myPipeline stage Source action Source SUCCEEDED",
                )
                .res(&["arn:aws:codepipeline:us-west-2:123456789012:myPipeline"]),
            ]),
        ),
        (
            "eventbridge/awsdocs_codepipeline-user-guide/aws-codepipeline_codepipeline-action-execution-state-change__L605.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Error,
                    Exact("codepipeline:123456789012:us-west-2:myPipeline/Deploy/Deploy"),
                    "CodePipeline myPipeline stage Deploy action Deploy FAILED",
                )
                .res(&["arn:aws:codepipeline:us-west-2:123456789012:myPipeline"]),
            ]),
        ),
        (
            "eventbridge/awsdocs_codepipeline-user-guide/aws-codepipeline_codepipeline-action-execution-state-change_when-an-action-execution-is-ab_L689.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Info,
                    Exact("eventbridge:01234567-EXAMPLE"),
                    "CodePipeline myPipeline stage Deploy action Deploy ABANDONED",
                )
                .res(&["arn:aws:codepipeline:us-west-2:123456789012:myPipeline"])
                .notice(),
            ]),
        ),
        (
            "eventbridge/awsdocs_codepipeline-user-guide/aws-codepipeline_codepipeline-pipeline-execution-state-change__L157.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Resolve,
                    Error,
                    Exact("codepipeline:123456789012:us-east-1:myPipeline"),
                    "CodePipeline myPipeline SUCCEEDED",
                )
                .res(&["arn:aws:codepipeline:us-east-1:123456789012:myPipeline"]),
            ]),
        ),
        (
            "eventbridge/awsdocs_codepipeline-user-guide/aws-codepipeline_codepipeline-pipeline-execution-state-change__L212.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Error,
                    Exact("codepipeline:123456789012:us-west-2:myPipeline"),
                    "CodePipeline myPipeline FAILED",
                )
                .res(&["arn:aws:codepipeline:us-west-2:123456789012:myPipeline"]),
            ]),
        ),
        (
            "eventbridge/awsdocs_codepipeline-user-guide/aws-codepipeline_codepipeline-pipeline-execution-state-change__L68.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Info,
                    Exact("eventbridge:01234567-EXAMPLE"),
                    "CodePipeline myPipeline STARTED",
                )
                .res(&["arn:aws:codepipeline:us-east-1:123456789012:myPipeline"])
                .notice(),
            ]),
        ),
        (
            "eventbridge/awsdocs_codepipeline-user-guide/aws-codepipeline_codepipeline-pipeline-execution-state-change_when-a-pipeline-execution-is-s_L128.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Info,
                    Exact("eventbridge:01234567-EXAMPLE"),
                    "CodePipeline myPipeline STOPPING",
                )
                .res(&["arn:aws:codepipeline:us-west-2:123456789012:myPipeline"])
                .notice(),
            ]),
        ),
        (
            "eventbridge/awsdocs_codepipeline-user-guide/aws-codepipeline_codepipeline-stage-execution-state-change_when-a-stage-execution-is-stop_L350.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Info,
                    Exact("eventbridge:01234567-EXAMPLE"),
                    "CodePipeline myPipeline stage Deploy STOPPING",
                )
                .res(&["arn:aws:codepipeline:us-west-2:123456789012:myPipeline"])
                .notice(),
            ]),
        ),
        (
            "eventbridge/awsdocs_codepipeline-user-guide/aws-codepipeline_codepipeline-stage-execution-state-change_when-a-stage-execution-is-stop_L376.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Info,
                    Exact("eventbridge:01234567-EXAMPLE"),
                    "CodePipeline myPipeline stage Deploy STOPPED",
                )
                .res(&["arn:aws:codepipeline:us-west-2:123456789012:myPipeline"])
                .notice(),
            ]),
        ),
        (
            "eventbridge/awsdocs_eventbridge-user-guide/_invalid-json-in-upstream-docs/eb-event-patterns_L146_consider-the-following-amazon-macie-even.txt",
            Parser::EventBridge,
            Expect::Rejected {
                code: ErrorCode::InvalidJson,
                message_contains: "invalid JSON",
            },
        ),
        (
            "eventbridge/awsdocs_eventbridge-user-guide/aws-autoscaling_ec2-instance-launch-successful_you-can-create-an-event-patter_L10.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Info,
                    Exact("eventbridge:3e3c153a-8339-4e30-8c35-687ebef853fe"),
                    "EC2 Instance Launch Successful",
                )
                .notice(),
            ]),
        ),
        (
            "eventbridge/awsdocs_eventbridge-user-guide/aws-autoscaling_ec2-instance-launch-successful_you-can-match-on-the-value-of-_L113.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Info,
                    Exact("eventbridge:3e3c153a-8339-4e30-8c35-687ebef853fe"),
                    "EC2 Instance Launch Successful",
                )
                .notice(),
            ]),
        ),
        (
            "eventbridge/awsdocs_eventbridge-user-guide/aws-ec2_ec2-instance-state-change-notification_the-following-event-in-amazon-_L58.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Warning,
                    Exact("arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0"),
                    "EC2 instance i-1234567890abcdef0 is terminated",
                )
                .res(&["arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0"]),
            ]),
        ),
        (
            "eventbridge/awsdocs_eventbridge-user-guide/aws-ec2_ec2-instance-state-change-notification_the-following-event-shows-a-si_L21.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Warning,
                    Exact("arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0"),
                    "EC2 instance i-1234567890abcdef0 is terminated",
                )
                .res(&["arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0"]),
            ]),
        ),
        (
            "eventbridge/awsdocs_eventbridge-user-guide/aws-states_step-functions-execution-status-change__L149.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Error,
                    Exact("eventbridge:315c1398-40ff-a850-213b-158f73e60175"),
                    "Step Functions Execution Status Change: FAILED",
                )
                .res(&[
                    "arn:aws:states:us-east-1:012345678912:execution:state-machine-name:execution-name",
                ]),
            ]),
        ),
        (
            "eventbridge/awsdocs_eventbridge-user-guide/test-service-com_test_for-region-the-region-that-the_L38.json",
            Parser::EventBridge,
            Expect::Events(vec![
                ev(Trigger, Info, Exact("eventbridge:a908baa3-65e5-ab77-367e-527c0e71bbc2"), "Test")
                    .res(&["arn:aws:events:us-east-1:0123456789:endpoint/MyEndpoint"])
                    .notice(),
            ]),
        ),
        (
            "generated-by-peers/alertmanager-0.25.0_debian/_inputs/alertmanager.yml",
            Parser::AlertmanagerApi,
            Expect::Rejected {
                code: ErrorCode::InvalidJson,
                message_contains: "invalid JSON",
            },
        ),
        (
            "generated-by-peers/alertmanager-0.25.0_debian/_inputs/prometheus.yml",
            Parser::AlertmanagerApi,
            Expect::Rejected {
                code: ErrorCode::InvalidJson,
                message_contains: "invalid JSON",
            },
        ),
        (
            "generated-by-peers/alertmanager-0.25.0_debian/_inputs/rules.yml",
            Parser::AlertmanagerApi,
            Expect::Rejected {
                code: ErrorCode::InvalidJson,
                message_contains: "invalid JSON",
            },
        ),
        (
            "generated-by-peers/moto-5.2.5_sns-http/01_request_headers.json",
            Parser::Sns,
            Expect::Rejected {
                code: ErrorCode::MissingField,
                message_contains: "Type: required field is missing",
            },
        ),
        (
            "generated-by-peers/moto-5.2.5_sns-http/01_sns-http_Notification.json",
            Parser::Sns,
            Expect::Events(vec![
                ev(Trigger, Warning, Exact("sns:ca1ec273-b4c0-426d-9ceb-97a08205eb8a"), "manual"),
            ]),
        ),
        (
            "grafana/grafana-docs_webhook-notifier/webhook_payload_firing_2-alerts.json",
            Parser::Grafana,
            Expect::Events(vec![
                ev(
                    Trigger,
                    Warning,
                    Exact("c6eadffa33fcdf37"),
                    "This alert was triggered for zone us-1",
                ),
                ev(
                    Trigger,
                    Warning,
                    Exact("bc97ff14869b13e3"),
                    "This alert was triggered for zone eu-1",
                ),
            ]),
        ),
        (
            "grafana/keep/grafana12_test_alert_webhook.json",
            Parser::Grafana,
            Expect::Events(vec![
                ev(Trigger, Warning, Exact("c4edaaf9f9f839b0"), "TEST"),
            ]),
        ),

    ]
}
