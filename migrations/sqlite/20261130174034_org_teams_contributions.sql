-- Disable the enforcement of foreign-keys constraints
PRAGMA foreign_keys = off;
-- Create "new_contributions" table
CREATE TABLE `new_contributions` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `deleted_at` datetime NULL, `delete_token` integer NOT NULL DEFAULT (0), `version` integer NOT NULL DEFAULT (1), `on` date NOT NULL, `description` text NOT NULL, `type` text NOT NULL DEFAULT ('POST_SERVICE'), `amount_fen` integer NULL, `households_helped` integer NOT NULL DEFAULT (0), `township_id` integer NULL, `village_id` integer NULL, `household_id` integer NULL, `member_id` integer NOT NULL, `team_id` integer NOT NULL, CONSTRAINT `contributions_households_household` FOREIGN KEY (`household_id`) REFERENCES `households` (`id`) ON DELETE SET NULL, CONSTRAINT `contributions_party_members_contributions` FOREIGN KEY (`member_id`) REFERENCES `party_members` (`id`) ON DELETE NO ACTION, CONSTRAINT `contributions_teams_contributions` FOREIGN KEY (`team_id`) REFERENCES `teams` (`id`) ON DELETE NO ACTION);
-- Set sequence for "new_contributions" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("new_contributions", 21474836480);
-- Copy rows from old table "contributions" to new temporary table "new_contributions"
INSERT INTO `new_contributions` (`id`, `created_at`, `updated_at`, `deleted_at`, `delete_token`, `version`, `on`, `description`, `households_helped`, `township_id`, `village_id`, `member_id`, `team_id`) SELECT `id`, `created_at`, `updated_at`, `deleted_at`, `delete_token`, `version`, `on`, `description`, `households_helped`, `township_id`, `village_id`, `member_id`, `team_id` FROM `contributions`;
-- Drop "contributions" table after copying rows
DROP TABLE `contributions`;
-- Rename temporary table "new_contributions" to "contributions"
ALTER TABLE `new_contributions` RENAME TO `contributions`;
-- Create index "contribution_updated_at" to table: "contributions"
CREATE INDEX `contribution_updated_at` ON `contributions` (`updated_at`);
-- Create index "contribution_team_id_on" to table: "contributions"
CREATE INDEX `contribution_team_id_on` ON `contributions` (`team_id`, `on`);
-- Create index "contribution_member_id" to table: "contributions"
CREATE INDEX `contribution_member_id` ON `contributions` (`member_id`);
-- Create index "contribution_household_id" to table: "contributions"
CREATE INDEX `contribution_household_id` ON `contributions` (`household_id`);
-- Create index "contribution_township_id" to table: "contributions"
CREATE INDEX `contribution_township_id` ON `contributions` (`township_id`);
-- Create index "contribution_village_id" to table: "contributions"
CREATE INDEX `contribution_village_id` ON `contributions` (`village_id`);
-- Create "new_teams" table
CREATE TABLE `new_teams` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `deleted_at` datetime NULL, `delete_token` integer NOT NULL DEFAULT (0), `version` integer NOT NULL DEFAULT (1), `name` text NOT NULL, `kind` text NOT NULL, `task` text NULL, `leader_id` integer NULL, `township_id` integer NULL, `village_id` integer NULL, CONSTRAINT `teams_party_members_leader` FOREIGN KEY (`leader_id`) REFERENCES `party_members` (`id`) ON DELETE SET NULL, CONSTRAINT `teams_townships_teams` FOREIGN KEY (`township_id`) REFERENCES `townships` (`id`) ON DELETE SET NULL, CONSTRAINT `teams_villages_teams` FOREIGN KEY (`village_id`) REFERENCES `villages` (`id`) ON DELETE SET NULL);
-- Set sequence for "new_teams" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("new_teams", 98784247808);
-- Copy rows from old table "teams" to new temporary table "new_teams"
INSERT INTO `new_teams` (`id`, `created_at`, `updated_at`, `deleted_at`, `delete_token`, `version`, `name`, `kind`, `task`, `leader_id`, `township_id`, `village_id`) SELECT `id`, `created_at`, `updated_at`, `deleted_at`, `delete_token`, `version`, `name`, `kind`, `task`, `leader_id`, `township_id`, `village_id` FROM `teams`;
-- Drop "teams" table after copying rows
DROP TABLE `teams`;
-- Rename temporary table "new_teams" to "teams"
ALTER TABLE `new_teams` RENAME TO `teams`;
-- Create index "team_updated_at" to table: "teams"
CREATE INDEX `team_updated_at` ON `teams` (`updated_at`);
-- Create index "team_township_id" to table: "teams"
CREATE INDEX `team_township_id` ON `teams` (`township_id`);
-- Create index "team_village_id" to table: "teams"
CREATE INDEX `team_village_id` ON `teams` (`village_id`);
-- Enable back the enforcement of foreign-keys constraints
PRAGMA foreign_keys = on;

-- Team posts and contributions are seen where their member is, whatever the team's township
-- (teams reach across the district): rewrite their scope columns from the member's.
UPDATE `team_memberships` SET `township_id` = (SELECT `township_id` FROM `party_members` WHERE `party_members`.`id` = `team_memberships`.`member_id`), `village_id` = (SELECT `village_id` FROM `party_members` WHERE `party_members`.`id` = `team_memberships`.`member_id`);
UPDATE `contributions` SET `township_id` = (SELECT `township_id` FROM `party_members` WHERE `party_members`.`id` = `contributions`.`member_id`), `village_id` = (SELECT `village_id` FROM `party_members` WHERE `party_members`.`id` = `contributions`.`member_id`);
