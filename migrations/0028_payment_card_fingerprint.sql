ALTER TABLE `payments` ADD `card_fingerprint` text;--> statement-breakpoint
CREATE INDEX `payments_card_idx` ON `payments` (`card_fingerprint`);