-- Disable the enforcement of foreign-keys constraints
PRAGMA foreign_keys = off;
-- Create "new_audit_events" table
CREATE TABLE `new_audit_events` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `at` datetime NOT NULL, `user_id` integer NULL, `username` text NOT NULL, `role` text NOT NULL, `action` text NOT NULL, `entity` text NULL, `entity_id` integer NULL, `changed_fields` json NULL, `detail` text NULL, `request_id` text NULL, `client_address` text NULL, `township_id` integer NULL, `village_id` integer NULL, `chain_seq` integer NULL, `prev_hash` text NULL, `hash` text NULL);
-- Set sequence for "new_audit_events" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("new_audit_events", 8589934592);
-- Copy rows from old table "audit_events" to new temporary table "new_audit_events"
INSERT INTO `new_audit_events` (`id`, `at`, `user_id`, `username`, `role`, `action`, `entity`, `entity_id`, `changed_fields`, `detail`, `request_id`, `client_address`, `township_id`, `village_id`) SELECT `id`, `at`, `user_id`, `username`, `role`, `action`, `entity`, `entity_id`, `changed_fields`, `detail`, `request_id`, `client_address`, `township_id`, `village_id` FROM `audit_events`;
-- Drop "audit_events" table after copying rows
DROP TABLE `audit_events`;
-- Rename temporary table "new_audit_events" to "audit_events"
ALTER TABLE `new_audit_events` RENAME TO `audit_events`;
-- Create index "auditevent_at" to table: "audit_events"
CREATE INDEX `auditevent_at` ON `audit_events` (`at`);
-- Create index "auditevent_entity_entity_id" to table: "audit_events"
CREATE INDEX `auditevent_entity_entity_id` ON `audit_events` (`entity`, `entity_id`);
-- Create index "auditevent_user_id_at" to table: "audit_events"
CREATE INDEX `auditevent_user_id_at` ON `audit_events` (`user_id`, `at`);
-- Create index "auditevent_township_id" to table: "audit_events"
CREATE INDEX `auditevent_township_id` ON `audit_events` (`township_id`);
-- Create index "auditevent_chain_seq" to table: "audit_events"
CREATE UNIQUE INDEX `auditevent_chain_seq` ON `audit_events` (`chain_seq`);
-- Enable back the enforcement of foreign-keys constraints
PRAGMA foreign_keys = on;
