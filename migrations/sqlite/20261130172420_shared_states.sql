-- Create "shared_states" table
CREATE TABLE `shared_states` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `name` text NOT NULL, `n` integer NOT NULL DEFAULT (0), `ok` integer NOT NULL DEFAULT (0), `expires_at` integer NOT NULL DEFAULT (0), `value` text NULL);
-- Set sequence for "shared_states" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("shared_states", 141733920768);
-- Create index "shared_states_name_key" to table: "shared_states"
CREATE UNIQUE INDEX `shared_states_name_key` ON `shared_states` (`name`);
