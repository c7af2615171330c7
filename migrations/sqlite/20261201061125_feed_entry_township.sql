-- Add column "township_id" to table: "feed_entries"
ALTER TABLE `feed_entries` ADD COLUMN `township_id` integer NULL;
