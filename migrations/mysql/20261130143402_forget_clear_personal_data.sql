-- destructive: birth_date held in clear what, beside the masked ID number, rebuilds a person's
-- ID number; birth_year and the sealed ID number keep what the platform needs.
-- Empty the masked ID numbers and phones older versions kept in clear beside the sealed values
-- (reads derive them from the sealed values now).
UPDATE residents SET id_number = '' WHERE id_number <> '';
UPDATE party_members SET id_number = '' WHERE id_number <> '';
UPDATE residents SET phone = '' WHERE phone <> '';
UPDATE party_members SET phone = '' WHERE phone <> '';
UPDATE cadres SET phone = '' WHERE phone <> '';
-- Modify "party_members" table
ALTER TABLE `party_members` DROP COLUMN `birth_date`;
-- Modify "residents" table
ALTER TABLE `residents` DROP COLUMN `birth_date`;
