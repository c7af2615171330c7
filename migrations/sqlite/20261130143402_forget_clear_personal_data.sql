-- destructive: birth_date held in clear what, beside the masked ID number, rebuilds a person's
-- ID number; birth_year and the sealed ID number keep what the platform needs.
-- Empty the masked ID numbers and phones older versions kept in clear beside the sealed values
-- (reads derive them from the sealed values now).
UPDATE residents SET id_number = '' WHERE id_number <> '';
UPDATE party_members SET id_number = '' WHERE id_number <> '';
UPDATE residents SET phone = '' WHERE phone <> '';
UPDATE party_members SET phone = '' WHERE phone <> '';
UPDATE cadres SET phone = '' WHERE phone <> '';
-- Disable the enforcement of foreign-keys constraints
PRAGMA foreign_keys = off;
-- Create "new_party_members" table
CREATE TABLE `new_party_members` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `deleted_at` datetime NULL, `delete_token` integer NOT NULL DEFAULT (0), `version` integer NOT NULL DEFAULT (1), `name` text NOT NULL, `gender` text NOT NULL, `birth_year` integer NOT NULL, `id_number` text NOT NULL, `id_number_sealed` text NOT NULL, `id_number_index` text NOT NULL, `phone` text NULL, `phone_sealed` text NULL, `phone_index` text NULL, `education` text NOT NULL, `occupation` text NOT NULL, `specialties` json NULL, `joined_on` date NOT NULL, `membership` text NOT NULL DEFAULT ('FULL'), `category` text NOT NULL, `status` text NOT NULL DEFAULT ('ACTIVE'), `location` text NULL, `township_id` integer NULL, `organization_id` integer NOT NULL, `village_id` integer NOT NULL, CONSTRAINT `party_members_party_organizations_members` FOREIGN KEY (`organization_id`) REFERENCES `party_organizations` (`id`) ON DELETE NO ACTION, CONSTRAINT `party_members_villages_party_members` FOREIGN KEY (`village_id`) REFERENCES `villages` (`id`) ON DELETE NO ACTION);
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
-- Create "new_residents" table
CREATE TABLE `new_residents` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `deleted_at` datetime NULL, `delete_token` integer NOT NULL DEFAULT (0), `version` integer NOT NULL DEFAULT (1), `name` text NOT NULL, `relation` text NOT NULL, `gender` text NOT NULL, `birth_year` integer NOT NULL, `id_number` text NOT NULL, `id_number_sealed` text NOT NULL, `id_number_index` text NOT NULL, `phone` text NULL, `phone_sealed` text NULL, `phone_index` text NULL, `health` text NOT NULL DEFAULT ('HEALTHY'), `labor_skill` text NOT NULL DEFAULT ('GENERAL'), `education` text NULL, `township_id` integer NULL, `village_id` integer NULL, `household_id` integer NOT NULL, CONSTRAINT `residents_households_residents` FOREIGN KEY (`household_id`) REFERENCES `households` (`id`) ON DELETE NO ACTION);
-- Set sequence for "new_residents" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("new_residents", 81604378624);
-- Copy rows from old table "residents" to new temporary table "new_residents"
INSERT INTO `new_residents` (`id`, `created_at`, `updated_at`, `deleted_at`, `delete_token`, `version`, `name`, `relation`, `gender`, `birth_year`, `id_number`, `id_number_sealed`, `id_number_index`, `phone`, `phone_sealed`, `phone_index`, `health`, `labor_skill`, `education`, `township_id`, `village_id`, `household_id`) SELECT `id`, `created_at`, `updated_at`, `deleted_at`, `delete_token`, `version`, `name`, `relation`, `gender`, `birth_year`, `id_number`, `id_number_sealed`, `id_number_index`, `phone`, `phone_sealed`, `phone_index`, `health`, `labor_skill`, `education`, `township_id`, `village_id`, `household_id` FROM `residents`;
-- Drop "residents" table after copying rows
DROP TABLE `residents`;
-- Rename temporary table "new_residents" to "residents"
ALTER TABLE `new_residents` RENAME TO `residents`;
-- Create index "resident_updated_at" to table: "residents"
CREATE INDEX `resident_updated_at` ON `residents` (`updated_at`);
-- Create index "resident_id_number_index_delete_token" to table: "residents"
CREATE UNIQUE INDEX `resident_id_number_index_delete_token` ON `residents` (`id_number_index`, `delete_token`);
-- Create index "resident_household_id" to table: "residents"
CREATE INDEX `resident_household_id` ON `residents` (`household_id`);
-- Create index "resident_township_id" to table: "residents"
CREATE INDEX `resident_township_id` ON `residents` (`township_id`);
-- Create index "resident_village_id" to table: "residents"
CREATE INDEX `resident_village_id` ON `residents` (`village_id`);
-- Enable back the enforcement of foreign-keys constraints
PRAGMA foreign_keys = on;
