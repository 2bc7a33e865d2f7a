CREATE TABLE "providers" (
	"id" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"name" text NOT NULL,
	"base_url" text,
	"api_key_ciphertext" text,
	"models" jsonb,
	"enabled" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "model_overrides" (
	"model_id" text PRIMARY KEY NOT NULL,
	"enabled" boolean,
	"has_pricing" boolean DEFAULT false NOT NULL,
	"input_per_mtok" numeric(20, 9),
	"output_per_mtok" numeric(20, 9),
	"cached_input_per_mtok" numeric(20, 9),
	"cache_write_per_mtok" numeric(20, 9),
	"context_window" integer,
	"max_output_tokens" integer,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "routes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"strategy" text NOT NULL,
	"targets" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"constraints" jsonb,
	"max_attempts" integer,
	"timeout_ms" integer,
	"first_token_timeout_ms" integer,
	"max_retry_after_ms" integer DEFAULT 2000 NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "routes_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "api_keys" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"prefix" text NOT NULL,
	"secret_hash" text NOT NULL,
	"role" text NOT NULL,
	"allowed_models" text[],
	"budget_limit_usd" numeric(20, 12),
	"budget_period" text,
	"requests_per_minute" integer,
	"tokens_per_minute" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_used_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "api_keys_secret_hash_unique" UNIQUE("secret_hash")
);
--> statement-breakpoint
CREATE TABLE "budget_periods" (
	"api_key_id" uuid NOT NULL,
	"period_start" timestamp with time zone NOT NULL,
	"spent_usd" numeric(20, 12) DEFAULT '0' NOT NULL,
	"reserved_usd" numeric(20, 12) DEFAULT '0' NOT NULL,
	CONSTRAINT "budget_periods_api_key_id_period_start_pk" PRIMARY KEY("api_key_id","period_start")
);
--> statement-breakpoint
CREATE TABLE "budget_reservations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"api_key_id" uuid NOT NULL,
	"period_start" timestamp with time zone NOT NULL,
	"request_id" text,
	"amount_usd" numeric(20, 12) NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"settled_at" timestamp with time zone,
	"actual_usd" numeric(20, 12)
);
--> statement-breakpoint
CREATE TABLE "conversations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"api_key_id" uuid NOT NULL,
	"title" text,
	"model" text,
	"system_prompt" text,
	"metadata" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "messages" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"conversation_id" uuid NOT NULL,
	"seq" bigint GENERATED ALWAYS AS IDENTITY (sequence name "messages_seq_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"role" text NOT NULL,
	"content" text NOT NULL,
	"completion_request_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "completion_requests" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"api_key_id" uuid NOT NULL,
	"conversation_id" uuid,
	"instance_id" text NOT NULL,
	"protocol" text NOT NULL,
	"stream" boolean DEFAULT false NOT NULL,
	"requested_model" text NOT NULL,
	"served_model" text,
	"provider_id" text,
	"status" text DEFAULT 'RUNNING' NOT NULL,
	"input_tokens" integer DEFAULT 0 NOT NULL,
	"output_tokens" integer DEFAULT 0 NOT NULL,
	"cached_input_tokens" integer DEFAULT 0 NOT NULL,
	"cache_write_input_tokens" integer DEFAULT 0 NOT NULL,
	"reasoning_tokens" integer DEFAULT 0 NOT NULL,
	"usage_source" text,
	"cost_usd" numeric(20, 12),
	"price_source" text,
	"unpriced" boolean DEFAULT false NOT NULL,
	"finish_reason" text,
	"error_code" text,
	"error_message" text,
	"latency_ms" integer,
	"time_to_first_token_ms" integer,
	"decision" jsonb,
	"warnings" jsonb,
	"metadata" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "instances" (
	"id" text PRIMARY KEY NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "budget_periods" ADD CONSTRAINT "budget_periods_api_key_id_api_keys_id_fk" FOREIGN KEY ("api_key_id") REFERENCES "public"."api_keys"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "budget_reservations" ADD CONSTRAINT "budget_reservations_api_key_id_api_keys_id_fk" FOREIGN KEY ("api_key_id") REFERENCES "public"."api_keys"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "conversations" ADD CONSTRAINT "conversations_api_key_id_api_keys_id_fk" FOREIGN KEY ("api_key_id") REFERENCES "public"."api_keys"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "messages" ADD CONSTRAINT "messages_conversation_id_conversations_id_fk" FOREIGN KEY ("conversation_id") REFERENCES "public"."conversations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "completion_requests" ADD CONSTRAINT "completion_requests_api_key_id_api_keys_id_fk" FOREIGN KEY ("api_key_id") REFERENCES "public"."api_keys"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "completion_requests" ADD CONSTRAINT "completion_requests_conversation_id_conversations_id_fk" FOREIGN KEY ("conversation_id") REFERENCES "public"."conversations"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "api_keys_role_idx" ON "api_keys" USING btree ("role");--> statement-breakpoint
CREATE INDEX "budget_reservations_key_period_idx" ON "budget_reservations" USING btree ("api_key_id","period_start");--> statement-breakpoint
CREATE INDEX "budget_reservations_open_idx" ON "budget_reservations" USING btree ("created_at") WHERE "budget_reservations"."settled_at" is null;--> statement-breakpoint
CREATE INDEX "conversations_key_created_idx" ON "conversations" USING btree ("api_key_id","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "messages_conversation_seq_idx" ON "messages" USING btree ("conversation_id","seq");--> statement-breakpoint
CREATE INDEX "completion_requests_key_created_idx" ON "completion_requests" USING btree ("api_key_id","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "completion_requests_status_instance_idx" ON "completion_requests" USING btree ("status","instance_id");--> statement-breakpoint
CREATE INDEX "completion_requests_created_idx" ON "completion_requests" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "completion_requests_conversation_idx" ON "completion_requests" USING btree ("conversation_id");