-- Modify "villages" table
ALTER TABLE `villages` ADD INDEX `village_township_id_code` (`township_id`, `code`);
