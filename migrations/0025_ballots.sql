CREATE TABLE `release_ballots` (
	`release_id` text PRIMARY KEY NOT NULL,
	`seed` text NOT NULL,
	`commitment` text NOT NULL,
	`claim_minutes` integer NOT NULL,
	`drawn_at` text,
	`entries_digest` text,
	`entry_count` integer,
	`drawn_allocation` integer,
	`settled_at` text,
	FOREIGN KEY (`release_id`) REFERENCES `releases`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `release_entries` (
	`id` text PRIMARY KEY NOT NULL,
	`release_id` text NOT NULL,
	`customer_id` text NOT NULL,
	`quantity` integer NOT NULL,
	`hash` text NOT NULL,
	`address_key` text NOT NULL,
	`building_key` text NOT NULL,
	`shipping` text NOT NULL,
	`status` text NOT NULL,
	`draw_position` integer,
	`order_id` text,
	`note` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`release_id`) REFERENCES `releases`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `release_entries_customer_uq` ON `release_entries` (`release_id`,`customer_id`) WHERE status <> 'withdrawn';--> statement-breakpoint
CREATE UNIQUE INDEX `release_entries_address_uq` ON `release_entries` (`release_id`,`address_key`) WHERE status <> 'withdrawn';--> statement-breakpoint
CREATE INDEX `release_entries_status_idx` ON `release_entries` (`release_id`,`status`,`draw_position`,`quantity`);--> statement-breakpoint
CREATE INDEX `release_entries_customer_idx` ON `release_entries` (`customer_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `release_entries_building_idx` ON `release_entries` (`release_id`,`building_key`);--> statement-breakpoint
CREATE INDEX `release_entries_address_idx` ON `release_entries` (`address_key`);