CREATE TABLE `search_history` (
	`id` text PRIMARY KEY NOT NULL,
	`customer_id` text NOT NULL,
	`query` text NOT NULL,
	`filters` text NOT NULL,
	`sort` text NOT NULL,
	`result_count` integer NOT NULL,
	`at` text NOT NULL,
	FOREIGN KEY (`customer_id`) REFERENCES `customers`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `search_history_customer_idx` ON `search_history` (`customer_id`,`at`,`id`);