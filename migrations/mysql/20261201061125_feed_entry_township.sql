-- Modify "feed_entries" table
ALTER TABLE `feed_entries` ADD COLUMN `township_id` bigint NULL;
