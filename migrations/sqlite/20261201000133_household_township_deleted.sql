-- Create index "household_township_id_deleted_at" to table: "households"
CREATE INDEX `household_township_id_deleted_at` ON `households` (`township_id`, `deleted_at`);
