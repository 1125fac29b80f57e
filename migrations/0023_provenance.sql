CREATE TABLE `bottle_provenance` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`batch_id` text NOT NULL,
	`number` integer NOT NULL,
	`event` text NOT NULL,
	`location_id` text,
	`at` text NOT NULL,
	`facts` text,
	`prev_hash` text,
	`hash` text
);
--> statement-breakpoint
CREATE INDEX `bottle_provenance_bottle_idx` ON `bottle_provenance` (`batch_id`,`number`,`seq`);--> statement-breakpoint
CREATE INDEX `bottle_provenance_unsealed_idx` ON `bottle_provenance` (`hash`,`seq`);--> statement-breakpoint
CREATE TABLE `provenance_checkpoints` (
	`id` text PRIMARY KEY NOT NULL,
	`seq_to` integer NOT NULL,
	`bottles` integer NOT NULL,
	`root` text NOT NULL,
	`signature` text NOT NULL,
	`key_id` text NOT NULL,
	`created_at` text NOT NULL
);

--> statement-breakpoint
-- Every change of a numbered bottle leaves an entry, in the same statement as the change (so inside the
-- stock engine's atomic batch): received with its batch's facts, then moved, sold, released (a sale undone),
-- shipped, returned or removed.
CREATE TRIGGER `bottle_provenance_received` AFTER INSERT ON `bottle_serials`
BEGIN
	INSERT INTO `bottle_provenance` (`batch_id`, `number`, `event`, `location_id`, `at`, `facts`)
	SELECT NEW.batch_id, NEW.number, 'received', NEW.location_id, NEW.updated_at,
		(SELECT json_object('spiritId', b.spirit_id, 'batchNumber', b.batch_number,
			'caskNumbers', json(b.cask_numbers), 'bottlingDate', b.bottling_date)
		 FROM `batches` b WHERE b.id = NEW.batch_id);
END;
--> statement-breakpoint
CREATE TRIGGER `bottle_provenance_changed` AFTER UPDATE OF `status`, `location_id` ON `bottle_serials`
WHEN OLD.status IS NOT NEW.status OR OLD.location_id IS NOT NEW.location_id
BEGIN
	INSERT INTO `bottle_provenance` (`batch_id`, `number`, `event`, `location_id`, `at`)
	VALUES (NEW.batch_id, NEW.number,
		CASE
			WHEN NEW.status = 'shipped' THEN 'shipped'
			WHEN NEW.status = 'removed' THEN 'removed'
			WHEN NEW.status = 'assigned' THEN 'sold'
			WHEN NEW.status = 'in_stock' AND OLD.status = 'shipped' THEN 'returned'
			WHEN NEW.status = 'in_stock' AND OLD.status = 'assigned' THEN 'released'
			ELSE 'moved'
		END,
		NEW.location_id, NEW.updated_at);
END;
--> statement-breakpoint
CREATE TRIGGER `bottle_provenance_no_delete` BEFORE DELETE ON `bottle_provenance`
BEGIN
	SELECT raise(ABORT, 'bottle_provenance is append-only');
END;
--> statement-breakpoint
-- Sealing sets prev_hash and hash once; nothing else about an entry ever changes.
CREATE TRIGGER `bottle_provenance_seal_once` BEFORE UPDATE ON `bottle_provenance`
WHEN OLD.hash IS NOT NULL OR NEW.hash IS NULL OR NEW.seq IS NOT OLD.seq OR NEW.batch_id IS NOT OLD.batch_id
	OR NEW.number IS NOT OLD.number OR NEW.event IS NOT OLD.event OR NEW.location_id IS NOT OLD.location_id
	OR NEW.at IS NOT OLD.at OR NEW.facts IS NOT OLD.facts
BEGIN
	SELECT raise(ABORT, 'bottle_provenance is append-only');
END;
--> statement-breakpoint
CREATE TRIGGER `provenance_checkpoints_no_update` BEFORE UPDATE ON `provenance_checkpoints`
BEGIN
	SELECT raise(ABORT, 'provenance_checkpoints is append-only');
END;
--> statement-breakpoint
CREATE TRIGGER `provenance_checkpoints_no_delete` BEFORE DELETE ON `provenance_checkpoints`
BEGIN
	SELECT raise(ABORT, 'provenance_checkpoints is append-only');
END;
--> statement-breakpoint
-- Bottles recorded before provenance existed start their chains here, as received where they are now.
INSERT INTO `bottle_provenance` (`batch_id`, `number`, `event`, `location_id`, `at`, `facts`)
SELECT s.batch_id, s.number, 'received', s.location_id, s.updated_at,
	json_object('spiritId', b.spirit_id, 'batchNumber', b.batch_number, 'caskNumbers', json(b.cask_numbers),
		'bottlingDate', b.bottling_date)
FROM `bottle_serials` s LEFT JOIN `batches` b ON b.id = s.batch_id
ORDER BY s.batch_id, s.number;
