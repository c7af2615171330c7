-- Disable the enforcement of foreign-keys constraints
PRAGMA foreign_keys = off;
-- Create "new_households" table
CREATE TABLE `new_households` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `deleted_at` datetime NULL, `delete_token` integer NOT NULL DEFAULT (0), `version` integer NOT NULL DEFAULT (1), `number` text NOT NULL, `head_name` text NOT NULL, `address` text NULL, `category` text NOT NULL DEFAULT ('ORDINARY'), `poverty_status` text NOT NULL DEFAULT ('NOT_POOR'), `exit_stage` text NOT NULL DEFAULT ('NONE'), `exit_verified_on` date NULL, `monitoring_risk` text NULL, `causes` json NULL, `identified_year` integer NULL, `exit_year` integer NULL, `needy` bool NOT NULL DEFAULT (false), `income_per_capita` real NULL, `township_id` integer NULL, `village_id` integer NOT NULL, CONSTRAINT `households_villages_households` FOREIGN KEY (`village_id`) REFERENCES `villages` (`id`) ON DELETE NO ACTION);
-- Set sequence for "new_households" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("new_households", 55834574848);
-- Copy rows from old table "households" to new temporary table "new_households"
INSERT INTO `new_households` (`id`, `created_at`, `updated_at`, `deleted_at`, `delete_token`, `version`, `number`, `head_name`, `address`, `category`, `poverty_status`, `causes`, `identified_year`, `exit_year`, `needy`, `income_per_capita`, `township_id`, `village_id`) SELECT `id`, `created_at`, `updated_at`, `deleted_at`, `delete_token`, `version`, `number`, `head_name`, `address`, `category`, `poverty_status`, `causes`, `identified_year`, `exit_year`, `needy`, `income_per_capita`, `township_id`, `village_id` FROM `households`;
-- Drop "households" table after copying rows
DROP TABLE `households`;
-- Rename temporary table "new_households" to "households"
ALTER TABLE `new_households` RENAME TO `households`;
-- Create index "household_updated_at" to table: "households"
CREATE INDEX `household_updated_at` ON `households` (`updated_at`);
-- Create index "household_village_id_number_delete_token" to table: "households"
CREATE UNIQUE INDEX `household_village_id_number_delete_token` ON `households` (`village_id`, `number`, `delete_token`);
-- Create index "household_township_id" to table: "households"
CREATE INDEX `household_township_id` ON `households` (`township_id`);
-- Create index "household_village_id_needy" to table: "households"
CREATE INDEX `household_village_id_needy` ON `households` (`village_id`, `needy`);
-- Create "poverty_status_changes" table
CREATE TABLE `poverty_status_changes` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `deleted_at` datetime NULL, `delete_token` integer NOT NULL DEFAULT (0), `version` integer NOT NULL DEFAULT (1), `step` text NOT NULL, `from_status` text NOT NULL, `to_status` text NOT NULL, `changed_on` date NOT NULL, `risk` text NULL, `reason` text NULL, `actor_id` integer NULL, `actor_name` text NULL, `township_id` integer NULL, `village_id` integer NULL, `household_id` integer NOT NULL, CONSTRAINT `poverty_status_changes_households_poverty_history` FOREIGN KEY (`household_id`) REFERENCES `households` (`id`) ON DELETE NO ACTION);
-- Set sequence for "poverty_status_changes" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("poverty_status_changes", 150323855360);
-- Create index "povertystatuschange_updated_at" to table: "poverty_status_changes"
CREATE INDEX `povertystatuschange_updated_at` ON `poverty_status_changes` (`updated_at`);
-- Create index "povertystatuschange_household_id_changed_on" to table: "poverty_status_changes"
CREATE INDEX `povertystatuschange_household_id_changed_on` ON `poverty_status_changes` (`household_id`, `changed_on`);
-- Create index "povertystatuschange_township_id" to table: "poverty_status_changes"
CREATE INDEX `povertystatuschange_township_id` ON `poverty_status_changes` (`township_id`);
-- Create index "povertystatuschange_village_id" to table: "poverty_status_changes"
CREATE INDEX `povertystatuschange_village_id` ON `poverty_status_changes` (`village_id`);
-- Enable back the enforcement of foreign-keys constraints
PRAGMA foreign_keys = on;
-- The category follows from the poverty status from now on: align rows written before.
UPDATE `households` SET `category` = CASE `poverty_status` WHEN 'NOT_POOR' THEN 'ORDINARY' WHEN 'IN_POVERTY' THEN 'REGISTERED_POOR' WHEN 'RETURNED' THEN 'REGISTERED_POOR' WHEN 'LIFTED' THEN 'LIFTED_OUT' ELSE 'MONITORED' END;
