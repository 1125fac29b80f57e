CREATE INDEX `accounts_created_idx` ON `accounts` (`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `accounts_role_created_idx` ON `accounts` (`role`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `refresh_tokens_account_idx` ON `refresh_tokens` (`account_id`,`expires_at`);--> statement-breakpoint
CREATE INDEX `wishlist_items_customer_added_idx` ON `wishlist_items` (`customer_id`,`added_at`,`spirit_id`);