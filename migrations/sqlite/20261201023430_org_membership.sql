-- Disable the enforcement of foreign-keys constraints
PRAGMA foreign_keys = off;
-- Create "new_party_organizations" table
CREATE TABLE `new_party_organizations` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `deleted_at` datetime NULL, `delete_token` integer NOT NULL DEFAULT (0), `version` integer NOT NULL DEFAULT (1), `name` text NOT NULL, `kind` text NOT NULL, `owner` text NOT NULL DEFAULT ('TOWNSHIP'), `department_id` integer NULL, `township_id` integer NULL, `village_id` integer NULL, CONSTRAINT `party_organizations_departments_party_organizations` FOREIGN KEY (`department_id`) REFERENCES `departments` (`id`) ON DELETE SET NULL, CONSTRAINT `party_organizations_townships_party_organizations` FOREIGN KEY (`township_id`) REFERENCES `townships` (`id`) ON DELETE SET NULL, CONSTRAINT `party_organizations_villages_party_organizations` FOREIGN KEY (`village_id`) REFERENCES `villages` (`id`) ON DELETE SET NULL);
-- Set sequence for "new_party_organizations" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("new_party_organizations", 68719476736);
-- Copy rows from old table "party_organizations" to new temporary table "new_party_organizations"
INSERT INTO `new_party_organizations` (`id`, `created_at`, `updated_at`, `deleted_at`, `delete_token`, `version`, `name`, `kind`, `department_id`, `township_id`, `village_id`) SELECT `id`, `created_at`, `updated_at`, `deleted_at`, `delete_token`, `version`, `name`, `kind`, `department_id`, `township_id`, `village_id` FROM `party_organizations`;
-- Drop "party_organizations" table after copying rows
DROP TABLE `party_organizations`;
-- Rename temporary table "new_party_organizations" to "party_organizations"
ALTER TABLE `new_party_organizations` RENAME TO `party_organizations`;
-- Create index "partyorganization_updated_at" to table: "party_organizations"
CREATE INDEX `partyorganization_updated_at` ON `party_organizations` (`updated_at`);
-- Create index "partyorganization_township_id" to table: "party_organizations"
CREATE INDEX `partyorganization_township_id` ON `party_organizations` (`township_id`);
-- Create index "partyorganization_village_id" to table: "party_organizations"
CREATE INDEX `partyorganization_village_id` ON `party_organizations` (`village_id`);
-- Create index "partyorganization_department_id" to table: "party_organizations"
CREATE INDEX `partyorganization_department_id` ON `party_organizations` (`department_id`);
-- Create "new_party_members" table
CREATE TABLE `new_party_members` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `deleted_at` datetime NULL, `delete_token` integer NOT NULL DEFAULT (0), `version` integer NOT NULL DEFAULT (1), `name` text NOT NULL, `gender` text NOT NULL, `birth_year` integer NOT NULL, `id_number` text NOT NULL, `id_number_sealed` text NOT NULL, `id_number_index` text NOT NULL, `phone` text NULL, `phone_sealed` text NULL, `phone_index` text NULL, `education` text NOT NULL, `occupation` text NOT NULL, `specialties` json NULL, `joined_on` date NOT NULL, `membership` text NOT NULL DEFAULT ('FULL'), `category` text NOT NULL, `status` text NOT NULL DEFAULT ('ACTIVE'), `location` text NULL, `floating_since` date NULL, `township_id` integer NULL, `department_id` integer NULL, `organization_id` integer NOT NULL, `village_id` integer NULL, CONSTRAINT `party_members_party_organizations_members` FOREIGN KEY (`organization_id`) REFERENCES `party_organizations` (`id`) ON DELETE NO ACTION, CONSTRAINT `party_members_villages_party_members` FOREIGN KEY (`village_id`) REFERENCES `villages` (`id`) ON DELETE SET NULL);
-- Set sequence for "new_party_members" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("new_party_members", 64424509440);
-- Copy rows from old table "party_members" to new temporary table "new_party_members"
INSERT INTO `new_party_members` (`id`, `created_at`, `updated_at`, `deleted_at`, `delete_token`, `version`, `name`, `gender`, `birth_year`, `id_number`, `id_number_sealed`, `id_number_index`, `phone`, `phone_sealed`, `phone_index`, `education`, `occupation`, `specialties`, `joined_on`, `membership`, `category`, `status`, `location`, `township_id`, `organization_id`, `village_id`) SELECT `id`, `created_at`, `updated_at`, `deleted_at`, `delete_token`, `version`, `name`, `gender`, `birth_year`, `id_number`, `id_number_sealed`, `id_number_index`, `phone`, `phone_sealed`, `phone_index`, `education`, `occupation`, `specialties`, `joined_on`, `membership`, `category`, `status`, `location`, `township_id`, `organization_id`, `village_id` FROM `party_members`;
-- Drop "party_members" table after copying rows
DROP TABLE `party_members`;
-- Rename temporary table "new_party_members" to "party_members"
ALTER TABLE `new_party_members` RENAME TO `party_members`;
-- Create index "partymember_updated_at" to table: "party_members"
CREATE INDEX `partymember_updated_at` ON `party_members` (`updated_at`);
-- Create index "partymember_id_number_index_delete_token" to table: "party_members"
CREATE UNIQUE INDEX `partymember_id_number_index_delete_token` ON `party_members` (`id_number_index`, `delete_token`);
-- Create index "partymember_township_id" to table: "party_members"
CREATE INDEX `partymember_township_id` ON `party_members` (`township_id`);
-- Create index "partymember_village_id_name" to table: "party_members"
CREATE INDEX `partymember_village_id_name` ON `party_members` (`village_id`, `name`);
-- Create index "partymember_organization_id" to table: "party_members"
CREATE INDEX `partymember_organization_id` ON `party_members` (`organization_id`);
-- Create index "partymember_department_id" to table: "party_members"
CREATE INDEX `partymember_department_id` ON `party_members` (`department_id`);
-- Create "cadre_assignments" table
CREATE TABLE `cadre_assignments` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `deleted_at` datetime NULL, `delete_token` integer NOT NULL DEFAULT (0), `version` integer NOT NULL DEFAULT (1), `from` date NOT NULL, `to` date NULL, `reason` text NULL, `cadre_id` integer NOT NULL, `department_id` integer NOT NULL, CONSTRAINT `cadre_assignments_cadres_assignments` FOREIGN KEY (`cadre_id`) REFERENCES `cadres` (`id`) ON DELETE NO ACTION, CONSTRAINT `cadre_assignments_departments_cadre_assignments` FOREIGN KEY (`department_id`) REFERENCES `departments` (`id`) ON DELETE NO ACTION);
-- Set sequence for "cadre_assignments" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("cadre_assignments", 184683593728);
-- Create index "cadreassignment_updated_at" to table: "cadre_assignments"
CREATE INDEX `cadreassignment_updated_at` ON `cadre_assignments` (`updated_at`);
-- Create index "cadreassignment_cadre_id_from" to table: "cadre_assignments"
CREATE INDEX `cadreassignment_cadre_id_from` ON `cadre_assignments` (`cadre_id`, `from`);
-- Create index "cadreassignment_department_id" to table: "cadre_assignments"
CREATE INDEX `cadreassignment_department_id` ON `cadre_assignments` (`department_id`);
-- Enable back the enforcement of foreign-keys constraints
PRAGMA foreign_keys = on;
-- Data: each organisation's owner from its unit columns (两新 organisations are new, so none yet)
UPDATE `party_organizations` SET `owner` = CASE WHEN `village_id` IS NOT NULL THEN 'VILLAGE' WHEN `department_id` IS NOT NULL THEN 'DEPARTMENT' ELSE 'TOWNSHIP' END;
-- Data: a member takes township, village and department from its organisation (a department member loses its made-up home village)
UPDATE `party_members` SET `township_id` = (SELECT `township_id` FROM `party_organizations` WHERE `party_organizations`.`id` = `party_members`.`organization_id`), `village_id` = (SELECT `village_id` FROM `party_organizations` WHERE `party_organizations`.`id` = `party_members`.`organization_id`), `department_id` = (SELECT `department_id` FROM `party_organizations` WHERE `party_organizations`.`id` = `party_members`.`organization_id`);
-- Data: the rows inheriting their scope from a member follow it
UPDATE `posts` SET `township_id` = (SELECT `township_id` FROM `party_members` WHERE `party_members`.`id` = `posts`.`member_id`), `village_id` = (SELECT `village_id` FROM `party_members` WHERE `party_members`.`id` = `posts`.`member_id`);
UPDATE `team_memberships` SET `township_id` = (SELECT `township_id` FROM `party_members` WHERE `party_members`.`id` = `team_memberships`.`member_id`), `village_id` = (SELECT `village_id` FROM `party_members` WHERE `party_members`.`id` = `team_memberships`.`member_id`);
UPDATE `contributions` SET `township_id` = (SELECT `township_id` FROM `party_members` WHERE `party_members`.`id` = `contributions`.`member_id`), `village_id` = (SELECT `village_id` FROM `party_members` WHERE `party_members`.`id` = `contributions`.`member_id`);
UPDATE `training_enrollments` SET `township_id` = (SELECT `township_id` FROM `party_members` WHERE `party_members`.`id` = `training_enrollments`.`secretary_id`), `village_id` = (SELECT `village_id` FROM `party_members` WHERE `party_members`.`id` = `training_enrollments`.`secretary_id`);
UPDATE `attachments` SET `township_id` = (SELECT `township_id` FROM `contributions` WHERE `contributions`.`id` = `attachments`.`contribution_id`), `village_id` = (SELECT `village_id` FROM `contributions` WHERE `contributions`.`id` = `attachments`.`contribution_id`) WHERE `contribution_id` IS NOT NULL;
-- Data: every cadre's first assignment, in its department from the day it was registered
INSERT INTO `cadre_assignments` (`created_at`, `updated_at`, `deleted_at`, `delete_token`, `version`, `from`, `reason`, `cadre_id`, `department_id`) SELECT `created_at`, `created_at`, `deleted_at`, `delete_token`, 1, strftime('%Y-%m-%d 00:00:00+00:00', `created_at`), 'registered 登记', `id`, `department_id` FROM `cadres` ORDER BY `id`;
-- Policy: assignments are read wherever cadres are; a township moves members within its township (only into a policy already loaded: an empty one is seeded whole at start)
INSERT OR IGNORE INTO `casbin_rules` (`created_at`, `updated_at`, `ptype`, `v0`, `v1`, `v2`, `v3`, `v4`, `v5`) SELECT `created_at`, `updated_at`, 'p', '*', 'cadre_assignment', 'read', 'district', '', '' FROM `casbin_rules` WHERE `ptype` = 'p' AND `v0` = '*' AND `v1` = 'cadre' AND `v2` = 'read' AND `v3` = 'district';
INSERT OR IGNORE INTO `casbin_rules` (`created_at`, `updated_at`, `ptype`, `v0`, `v1`, `v2`, `v3`, `v4`, `v5`) SELECT `created_at`, `updated_at`, 'p', 'TOWNSHIP', 'party_member', 'move', 'township', '', '' FROM `casbin_rules` WHERE `ptype` = 'p' AND `v0` = 'TOWNSHIP' AND `v1` = 'party_member' AND `v2` = 'update' AND `v3` = 'township';
