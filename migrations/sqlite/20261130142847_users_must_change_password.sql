-- Disable the enforcement of foreign-keys constraints
PRAGMA foreign_keys = off;
-- Create "new_users" table
CREATE TABLE `new_users` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `deleted_at` datetime NULL, `delete_token` integer NOT NULL DEFAULT (0), `version` integer NOT NULL DEFAULT (1), `username` text NOT NULL, `display_name` text NULL, `password_hash` text NOT NULL, `status` text NOT NULL DEFAULT ('ACTIVE'), `last_login_at` datetime NULL, `must_change_password` bool NOT NULL DEFAULT (false), `password_changed_at` datetime NULL);
-- Set sequence for "new_users" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("new_users", 120259084288);
-- Copy rows from old table "users" to new temporary table "new_users"
INSERT INTO `new_users` (`id`, `created_at`, `updated_at`, `deleted_at`, `delete_token`, `version`, `username`, `display_name`, `password_hash`, `status`, `last_login_at`, `password_changed_at`) SELECT `id`, `created_at`, `updated_at`, `deleted_at`, `delete_token`, `version`, `username`, `display_name`, `password_hash`, `status`, `last_login_at`, `password_changed_at` FROM `users`;
-- Drop "users" table after copying rows
DROP TABLE `users`;
-- Rename temporary table "new_users" to "users"
ALTER TABLE `new_users` RENAME TO `users`;
-- Create index "user_updated_at" to table: "users"
CREATE INDEX `user_updated_at` ON `users` (`updated_at`);
-- Create index "user_username_delete_token" to table: "users"
CREATE UNIQUE INDEX `user_username_delete_token` ON `users` (`username`, `delete_token`);
-- Enable back the enforcement of foreign-keys constraints
PRAGMA foreign_keys = on;
