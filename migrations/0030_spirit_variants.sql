CREATE TABLE `spirit_variants` (
	`id` text PRIMARY KEY NOT NULL,
	`spirit_id` text NOT NULL,
	`name` text NOT NULL,
	`size_ml` integer NOT NULL,
	`packaging` text NOT NULL,
	`price_minor` integer NOT NULL,
	`currency` text NOT NULL,
	`sku` text,
	`status` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`spirit_id`) REFERENCES `spirits`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "spirit_variants_price_nonneg" CHECK("spirit_variants"."price_minor" >= 0),
	CONSTRAINT "spirit_variants_size_pos" CHECK("spirit_variants"."size_ml" > 0)
);
--> statement-breakpoint
CREATE INDEX `spirit_variants_spirit_idx` ON `spirit_variants` (`spirit_id`,`created_at`,`id`);--> statement-breakpoint
CREATE UNIQUE INDEX `spirit_variants_sku_uq` ON `spirit_variants` (`sku`);--> statement-breakpoint
DROP INDEX `inventory_levels_key_uq`;--> statement-breakpoint
ALTER TABLE `inventory_levels` ADD `variant_id` text;--> statement-breakpoint
ALTER TABLE `inventory_levels` ADD `variant_key` text DEFAULT '' NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX `inventory_levels_key_uq` ON `inventory_levels` (`spirit_id`,`location_id`,`batch_key`,`variant_key`);--> statement-breakpoint
ALTER TABLE `preorder_claims` ADD `variant_id` text;--> statement-breakpoint
ALTER TABLE `stock_holds` ADD `variant_id` text;--> statement-breakpoint
ALTER TABLE `order_lines` ADD `variant_id` text;