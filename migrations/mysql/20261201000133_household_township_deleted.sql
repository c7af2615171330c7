-- Modify "households" table
ALTER TABLE `households` ADD INDEX `household_township_id_deleted_at` (`township_id`, `deleted_at`);
