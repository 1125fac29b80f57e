CREATE TABLE `order_returns` (
	`id` text PRIMARY KEY NOT NULL,
	`order_id` text NOT NULL,
	`line_id` text NOT NULL,
	`quantity` integer NOT NULL,
	`bottle_numbers` text NOT NULL,
	`restocked` integer NOT NULL,
	`location_id` text,
	`reason` text NOT NULL,
	`actor_id` text,
	`returned_at` text NOT NULL,
	FOREIGN KEY (`order_id`) REFERENCES `orders`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "order_returns_quantity_pos" CHECK("order_returns"."quantity" > 0)
);
--> statement-breakpoint
CREATE INDEX `order_returns_order_idx` ON `order_returns` (`order_id`,`returned_at`);