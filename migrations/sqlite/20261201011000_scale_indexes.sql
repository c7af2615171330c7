-- Create index "village_township_id_code" to table: "villages"
CREATE INDEX `village_township_id_code` ON `villages` (`township_id`, `code`);
