CREATE TABLE `release_queue_places` (
	`id` text PRIMARY KEY NOT NULL,
	`release_id` text NOT NULL,
	`customer_id` text NOT NULL,
	`joined_at` text NOT NULL,
	`position` integer,
	`status` text NOT NULL,
	`admitted_quantity` integer,
	`admitted_at` text,
	`admission_expires_at` text,
	`order_id` text,
	`note` text,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`release_id`) REFERENCES `releases`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `release_queue_places_customer_uq` ON `release_queue_places` (`release_id`,`customer_id`) WHERE status <> 'left';--> statement-breakpoint
CREATE INDEX `release_queue_places_line_idx` ON `release_queue_places` (`release_id`,`status`,`position`);--> statement-breakpoint
CREATE INDEX `release_queue_places_order_idx` ON `release_queue_places` (`order_id`);--> statement-breakpoint
CREATE INDEX `release_queue_places_customer_idx` ON `release_queue_places` (`customer_id`);--> statement-breakpoint
CREATE TABLE `release_queues` (
	`release_id` text PRIMARY KEY NOT NULL,
	`seed` text NOT NULL,
	`admission_minutes` integer NOT NULL,
	`opened_at` text,
	`closed_at` text,
	FOREIGN KEY (`release_id`) REFERENCES `releases`(`id`) ON UPDATE no action ON DELETE no action
);
