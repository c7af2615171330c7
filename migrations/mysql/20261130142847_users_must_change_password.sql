-- Modify "users" table
ALTER TABLE `users` ADD COLUMN `must_change_password` bool NOT NULL DEFAULT 0;
