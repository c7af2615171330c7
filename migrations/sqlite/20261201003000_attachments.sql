-- Create "attachments" table
CREATE TABLE `attachments` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `deleted_at` datetime NULL, `delete_token` integer NOT NULL DEFAULT (0), `version` integer NOT NULL DEFAULT (1), `sha256` text NOT NULL, `size` integer NOT NULL, `content_type` text NOT NULL, `name` text NOT NULL, `taken_at` datetime NULL, `latitude` real NULL, `longitude` real NULL, `uploader_id` integer NOT NULL, `uploader` text NOT NULL, `township_id` integer NULL, `village_id` integer NULL, `household_id` integer NULL, `pairing_id` integer NULL, `department_id` integer NULL, `member_id` integer NULL, `contribution_id` integer NULL, `demand_id` integer NULL, `demo_project_stage_id` integer NULL, `rectification_id` integer NULL, `visit_id` integer NULL, CONSTRAINT `attachments_contributions_attachments` FOREIGN KEY (`contribution_id`) REFERENCES `contributions` (`id`) ON DELETE SET NULL, CONSTRAINT `attachments_demands_attachments` FOREIGN KEY (`demand_id`) REFERENCES `demands` (`id`) ON DELETE SET NULL, CONSTRAINT `attachments_demo_project_stages_attachments` FOREIGN KEY (`demo_project_stage_id`) REFERENCES `demo_project_stages` (`id`) ON DELETE SET NULL, CONSTRAINT `attachments_rectifications_attachments` FOREIGN KEY (`rectification_id`) REFERENCES `rectifications` (`id`) ON DELETE SET NULL, CONSTRAINT `attachments_visits_attachments` FOREIGN KEY (`visit_id`) REFERENCES `visits` (`id`) ON DELETE SET NULL);
-- Set sequence for "attachments" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("attachments", 176093659136);
-- Create index "attachment_updated_at" to table: "attachments"
CREATE INDEX `attachment_updated_at` ON `attachments` (`updated_at`);
-- Create index "attachment_visit_id" to table: "attachments"
CREATE INDEX `attachment_visit_id` ON `attachments` (`visit_id`);
-- Create index "attachment_demo_project_stage_id" to table: "attachments"
CREATE INDEX `attachment_demo_project_stage_id` ON `attachments` (`demo_project_stage_id`);
-- Create index "attachment_rectification_id" to table: "attachments"
CREATE INDEX `attachment_rectification_id` ON `attachments` (`rectification_id`);
-- Create index "attachment_contribution_id" to table: "attachments"
CREATE INDEX `attachment_contribution_id` ON `attachments` (`contribution_id`);
-- Create index "attachment_demand_id" to table: "attachments"
CREATE INDEX `attachment_demand_id` ON `attachments` (`demand_id`);
-- Create index "attachment_sha256" to table: "attachments"
CREATE INDEX `attachment_sha256` ON `attachments` (`sha256`);
-- Create index "attachment_township_id" to table: "attachments"
CREATE INDEX `attachment_township_id` ON `attachments` (`township_id`);
-- Create index "attachment_village_id" to table: "attachments"
CREATE INDEX `attachment_village_id` ON `attachments` (`village_id`);
-- Create index "attachment_household_id" to table: "attachments"
CREATE INDEX `attachment_household_id` ON `attachments` (`household_id`);
-- Create index "attachment_pairing_id" to table: "attachments"
CREATE INDEX `attachment_pairing_id` ON `attachments` (`pairing_id`);
-- Create index "attachment_department_id" to table: "attachments"
CREATE INDEX `attachment_department_id` ON `attachments` (`department_id`);
-- Create index "attachment_member_id" to table: "attachments"
CREATE INDEX `attachment_member_id` ON `attachments` (`member_id`);
