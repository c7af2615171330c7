-- Modify "audit_events" table
ALTER TABLE `audit_events` ADD COLUMN `chain_seq` bigint NULL, ADD COLUMN `prev_hash` varchar(64) NULL, ADD COLUMN `hash` varchar(64) NULL, ADD UNIQUE INDEX `auditevent_chain_seq` (`chain_seq`);
