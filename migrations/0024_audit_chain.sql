ALTER TABLE `audit_log` ADD `prev_hash` text;--> statement-breakpoint
ALTER TABLE `audit_log` ADD `hash` text;--> statement-breakpoint
CREATE INDEX `audit_log_unsealed_idx` ON `audit_log` (`hash`);
--> statement-breakpoint
-- The audit log is append-only: an entry is never deleted, and only sealing (prev_hash, hash, once) updates it.
CREATE TRIGGER `audit_log_no_delete` BEFORE DELETE ON `audit_log`
BEGIN
	SELECT raise(ABORT, 'audit_log is append-only');
END;
--> statement-breakpoint
CREATE TRIGGER `audit_log_seal_once` BEFORE UPDATE ON `audit_log`
WHEN OLD.hash IS NOT NULL OR NEW.hash IS NULL OR NEW.id IS NOT OLD.id OR NEW.actor_id IS NOT OLD.actor_id
	OR NEW.action IS NOT OLD.action OR NEW.subject IS NOT OLD.subject OR NEW.detail IS NOT OLD.detail
	OR NEW.at IS NOT OLD.at
BEGIN
	SELECT raise(ABORT, 'audit_log is append-only');
END;
