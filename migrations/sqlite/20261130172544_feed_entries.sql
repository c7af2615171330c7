-- Create "feed_entries" table
CREATE TABLE `feed_entries` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `seq` integer NULL, `record_type` text NOT NULL, `record_id` integer NOT NULL, `op` text NOT NULL, `at` datetime NOT NULL, `committed_at` datetime NULL);
-- Set sequence for "feed_entries" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("feed_entries", 146028888064);
-- Create index "feedentry_seq" to table: "feed_entries"
CREATE UNIQUE INDEX `feedentry_seq` ON `feed_entries` (`seq`);
-- Create index "feedentry_record_type_record_id" to table: "feed_entries"
CREATE INDEX `feedentry_record_type_record_id` ON `feed_entries` (`record_type`, `record_id`);
-- Create index "feedentry_at" to table: "feed_entries"
CREATE INDEX `feedentry_at` ON `feed_entries` (`at`);
