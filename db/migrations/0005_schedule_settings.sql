CREATE TABLE "member_leaves" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "member_leaves_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"workspace_id" integer NOT NULL,
	"member_id" integer NOT NULL,
	"from_date" date NOT NULL,
	"to_date" date NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"cancelled_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "member_schedule_settings" (
	"workspace_id" integer NOT NULL,
	"member_id" integer NOT NULL,
	"nudges_enabled" boolean DEFAULT true NOT NULL,
	"nudge_minutes" smallint,
	"quiet_start_minutes" smallint,
	"quiet_end_minutes" smallint,
	"meeting_weekday" smallint,
	"meeting_minutes" smallint,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "nudge_snoozes" (
	"workspace_id" integer NOT NULL,
	"member_id" integer NOT NULL,
	"item_key" text NOT NULL,
	"until_date" date NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "member_leaves" ADD CONSTRAINT "member_leaves_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "member_leaves" ADD CONSTRAINT "member_leaves_member_id_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."members"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "member_schedule_settings" ADD CONSTRAINT "member_schedule_settings_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "member_schedule_settings" ADD CONSTRAINT "member_schedule_settings_member_id_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."members"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "nudge_snoozes" ADD CONSTRAINT "nudge_snoozes_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "nudge_snoozes" ADD CONSTRAINT "nudge_snoozes_member_id_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."members"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "member_leaves_member_idx" ON "member_leaves" USING btree ("workspace_id","member_id","to_date");--> statement-breakpoint
CREATE UNIQUE INDEX "member_schedule_settings_uq" ON "member_schedule_settings" USING btree ("workspace_id","member_id");--> statement-breakpoint
CREATE UNIQUE INDEX "nudge_snoozes_uq" ON "nudge_snoozes" USING btree ("workspace_id","member_id","item_key");