CREATE TABLE `waitlist_entries` (
	`id` text PRIMARY KEY NOT NULL,
	`spirit_id` text NOT NULL,
	`customer_id` text NOT NULL,
	`seq` integer NOT NULL,
	`quantity` integer NOT NULL,
	`shipping` text NOT NULL,
	`status` text NOT NULL,
	`order_id` text,
	`offer_expires_at` text,
	`note` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `waitlist_entries_seq_uq` ON `waitlist_entries` (`spirit_id`,`seq`);--> statement-breakpoint
CREATE UNIQUE INDEX `waitlist_entries_customer_uq` ON `waitlist_entries` (`spirit_id`,`customer_id`) WHERE status IN ('waiting', 'offering', 'offered');--> statement-breakpoint
CREATE INDEX `waitlist_entries_status_idx` ON `waitlist_entries` (`spirit_id`,`status`,`seq`,`quantity`);--> statement-breakpoint
CREATE INDEX `waitlist_entries_customer_idx` ON `waitlist_entries` (`customer_id`,`created_at`);