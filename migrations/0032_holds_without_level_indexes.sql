DROP INDEX `stock_holds_level_idx`;--> statement-breakpoint
DROP INDEX `stock_movements_level_idx`;