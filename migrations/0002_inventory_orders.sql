CREATE TABLE `bottle_serials` (
	`batch_id` text NOT NULL,
	`number` integer NOT NULL,
	`location_id` text NOT NULL,
	`status` text NOT NULL,
	`hold_id` text,
	`updated_at` text NOT NULL,
	PRIMARY KEY(`batch_id`, `number`),
	FOREIGN KEY (`batch_id`) REFERENCES `batches`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "bottle_serials_number_pos" CHECK("bottle_serials"."number" > 0)
);
--> statement-breakpoint
CREATE INDEX `bottle_serials_free_idx` ON `bottle_serials` (`batch_id`,`location_id`,`status`,`number`);--> statement-breakpoint
CREATE INDEX `bottle_serials_hold_idx` ON `bottle_serials` (`hold_id`);--> statement-breakpoint
CREATE TABLE `customer_spirit_totals` (
	`customer_id` text NOT NULL,
	`spirit_id` text NOT NULL,
	`quantity` integer DEFAULT 0 NOT NULL,
	`max_quantity` integer,
	`updated_at` text NOT NULL,
	PRIMARY KEY(`customer_id`, `spirit_id`),
	CONSTRAINT "customer_spirit_totals_range" CHECK("customer_spirit_totals"."quantity" >= 0 AND ("customer_spirit_totals"."max_quantity" IS NULL OR "customer_spirit_totals"."quantity" <= "customer_spirit_totals"."max_quantity"))
);
--> statement-breakpoint
CREATE TABLE `inventory_audits` (
	`id` text PRIMARY KEY NOT NULL,
	`actor_id` text,
	`trigger` text NOT NULL,
	`clean` integer NOT NULL,
	`levels_checked` integer NOT NULL,
	`discrepancy_count` integer NOT NULL,
	`report` text NOT NULL,
	`started_at` text NOT NULL,
	`finished_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `inventory_audits_started_idx` ON `inventory_audits` (`started_at`);--> statement-breakpoint
CREATE TABLE `inventory_levels` (
	`id` text PRIMARY KEY NOT NULL,
	`spirit_id` text NOT NULL,
	`batch_id` text,
	`batch_key` text DEFAULT '' NOT NULL,
	`location_id` text NOT NULL,
	`on_hand` integer DEFAULT 0 NOT NULL,
	`reserved` integer DEFAULT 0 NOT NULL,
	`version` integer DEFAULT 0 NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`spirit_id`) REFERENCES `spirits`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`batch_id`) REFERENCES `batches`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "inventory_levels_on_hand_nonneg" CHECK("inventory_levels"."on_hand" >= 0),
	CONSTRAINT "inventory_levels_reserved_range" CHECK("inventory_levels"."reserved" >= 0 AND "inventory_levels"."reserved" <= "inventory_levels"."on_hand")
);
--> statement-breakpoint
CREATE UNIQUE INDEX `inventory_levels_key_uq` ON `inventory_levels` (`spirit_id`,`location_id`,`batch_key`);--> statement-breakpoint
CREATE TABLE `preorder_claims` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`spirit_id` text NOT NULL,
	`order_id` text NOT NULL,
	`line_id` text NOT NULL,
	`customer_id` text NOT NULL,
	`batch_id` text,
	`quantity` integer NOT NULL,
	`status` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	CONSTRAINT "preorder_claims_quantity_pos" CHECK("preorder_claims"."quantity" > 0)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `preorder_claims_line_uq` ON `preorder_claims` (`line_id`);--> statement-breakpoint
CREATE INDEX `preorder_claims_spirit_idx` ON `preorder_claims` (`spirit_id`,`status`,`seq`);--> statement-breakpoint
CREATE INDEX `preorder_claims_order_idx` ON `preorder_claims` (`order_id`);--> statement-breakpoint
CREATE TABLE `preorder_counters` (
	`spirit_id` text PRIMARY KEY NOT NULL,
	`taken` integer DEFAULT 0 NOT NULL,
	`allocation` integer NOT NULL,
	`updated_at` text NOT NULL,
	CONSTRAINT "preorder_counters_range" CHECK("preorder_counters"."taken" >= 0 AND "preorder_counters"."taken" <= "preorder_counters"."allocation")
);
--> statement-breakpoint
CREATE TABLE `stock_holds` (
	`id` text PRIMARY KEY NOT NULL,
	`spirit_id` text NOT NULL,
	`level_id` text NOT NULL,
	`batch_id` text,
	`location_id` text NOT NULL,
	`order_id` text NOT NULL,
	`line_id` text NOT NULL,
	`customer_id` text NOT NULL,
	`quantity` integer NOT NULL,
	`status` text NOT NULL,
	`created_at` text NOT NULL,
	`expires_at` text NOT NULL,
	`closed_at` text,
	CONSTRAINT "stock_holds_quantity_pos" CHECK("stock_holds"."quantity" > 0)
);
--> statement-breakpoint
CREATE INDEX `stock_holds_level_idx` ON `stock_holds` (`level_id`,`status`);--> statement-breakpoint
CREATE INDEX `stock_holds_expiry_idx` ON `stock_holds` (`status`,`expires_at`);--> statement-breakpoint
CREATE INDEX `stock_holds_spirit_idx` ON `stock_holds` (`spirit_id`,`status`,`expires_at`);--> statement-breakpoint
CREATE INDEX `stock_holds_order_idx` ON `stock_holds` (`order_id`);--> statement-breakpoint
CREATE TABLE `stock_movements` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`spirit_id` text NOT NULL,
	`level_id` text NOT NULL,
	`batch_id` text,
	`location_id` text NOT NULL,
	`kind` text NOT NULL,
	`on_hand_delta` integer NOT NULL,
	`reserved_delta` integer NOT NULL,
	`actor_id` text,
	`reason` text,
	`order_id` text,
	`hold_id` text,
	`operation_id` text,
	`at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `stock_movements_spirit_idx` ON `stock_movements` (`spirit_id`,`seq`);--> statement-breakpoint
CREATE INDEX `stock_movements_level_idx` ON `stock_movements` (`level_id`);--> statement-breakpoint
CREATE TABLE `stock_op_slots` (
	`id` text PRIMARY KEY NOT NULL,
	`ok` integer NOT NULL,
	`reason` text
);
--> statement-breakpoint
CREATE TABLE `stock_versions` (
	`spirit_id` text PRIMARY KEY NOT NULL,
	`version` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE `order_lines` (
	`id` text PRIMARY KEY NOT NULL,
	`order_id` text NOT NULL,
	`spirit_id` text NOT NULL,
	`batch_id` text,
	`quantity` integer NOT NULL,
	`unit_price_minor` integer NOT NULL,
	`currency` text NOT NULL,
	`position` integer NOT NULL,
	FOREIGN KEY (`order_id`) REFERENCES `orders`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "order_lines_quantity_pos" CHECK("order_lines"."quantity" > 0)
);
--> statement-breakpoint
CREATE INDEX `order_lines_order_idx` ON `order_lines` (`order_id`);--> statement-breakpoint
CREATE INDEX `order_lines_spirit_idx` ON `order_lines` (`spirit_id`,`order_id`);--> statement-breakpoint
CREATE TABLE `order_status_history` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`order_id` text NOT NULL,
	`status` text NOT NULL,
	`actor_id` text,
	`note` text,
	`at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `order_status_history_order_idx` ON `order_status_history` (`order_id`,`seq`);--> statement-breakpoint
CREATE TABLE `orders` (
	`id` text PRIMARY KEY NOT NULL,
	`customer_id` text NOT NULL,
	`status` text NOT NULL,
	`preorder` integer DEFAULT false NOT NULL,
	`currency` text NOT NULL,
	`total_minor` integer NOT NULL,
	`shipping_country` text NOT NULL,
	`shipping_region` text,
	`expires_at` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`customer_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "orders_total_nonneg" CHECK("orders"."total_minor" >= 0)
);
--> statement-breakpoint
CREATE INDEX `orders_customer_idx` ON `orders` (`customer_id`,`id`);--> statement-breakpoint
CREATE INDEX `orders_status_idx` ON `orders` (`status`,`id`);