export type Json = string | number | boolean | null | { [key: string]: Json | undefined } | Json[];

export type Database = {
  "ops": {
    Tables: {
      "audit_log": {
        Row: {
          "action": string;
          "actor": string;
          "actor_role": string;
          "after": Json | null;
          "at": string;
          "before": Json | null;
          "id": number;
          "target": string | null;
        };
        ComputedFields: never;
        Insert: {
          "action": string;
          "actor": string;
          "actor_role": string;
          "after"?: Json | null;
          "at"?: string;
          "before"?: Json | null;
          "id"?: never;
          "target"?: string | null;
        };
        Update: {
          "action"?: string;
          "actor"?: string;
          "actor_role"?: string;
          "after"?: Json | null;
          "at"?: string;
          "before"?: Json | null;
          "id"?: never;
          "target"?: string | null;
        };
        Relationships: [];
      };
      "calendar_days": {
        Row: {
          "day": string;
        };
        ComputedFields: never;
        Insert: {
          "day": string;
        };
        Update: {
          "day"?: string;
        };
        Relationships: [];
      };
      "classification_rules": {
        Row: {
          "active": boolean;
          "category": string;
          "description": string | null;
          "http_status": number | null;
          "id": number;
          "message_pattern": string | null;
          "priority": number;
          "severity": string | null;
        };
        ComputedFields: never;
        Insert: {
          "active"?: boolean;
          "category": string;
          "description"?: string | null;
          "http_status"?: number | null;
          "id"?: never;
          "message_pattern"?: string | null;
          "priority"?: number;
          "severity"?: string | null;
        };
        Update: {
          "active"?: boolean;
          "category"?: string;
          "description"?: string | null;
          "http_status"?: number | null;
          "id"?: never;
          "message_pattern"?: string | null;
          "priority"?: number;
          "severity"?: string | null;
        };
        Relationships: [
          {
            foreignKeyName: "classification_rules_category_fkey";
            columns: ["category"];
            isOneToOne: false;
            referencedRelation: "error_categories";
            referencedColumns: ["category"];
          },
          {
            foreignKeyName: "classification_rules_category_fkey";
            columns: ["category"];
            isOneToOne: false;
            referencedRelation: "error_category_summary_v";
            referencedColumns: ["category"];
          },
        ];
      };
      "daily_source_stats": {
        Row: {
          "avg_request_ms_best": number | null;
          "baseline_days": number;
          "baseline_execution_time_sec_14d": number | null;
          "baseline_jobs_processed_14d": number | null;
          "baseline_stddev_14d": number | null;
          "best_job_id": number;
          "best_status": string;
          "blocked_403_sum": number;
          "blocked_429_sum": number;
          "captchas_sum": number;
          "drop_zscore": number | null;
          "execution_time_sec_best": number;
          "final_status": string;
          "first_started_at": string | null;
          "http_block_rate_sum": number | null;
          "http_fail_rate_sum": number | null;
          "http_failures_sum": number;
          "is_drop": boolean;
          "is_problem": number;
          "is_success": number;
          "items_new_best": number;
          "items_rejected_best": number;
          "jobs_processed_best": number;
          "last_finished_at": string | null;
          "problem_reasons": (string)[];
          "relative_drop": number | null;
          "requests_sum": number;
          "run_date": string;
          "runs_cancelled": number;
          "runs_completed": number;
          "runs_failed": number;
          "runs_partial": number;
          "runs_skipped": number;
          "runs_total": number;
          "source_id": number;
          "timeout_rate": number | null;
          "timeouts_sum": number;
          "updated_at": string;
        };
        ComputedFields: never;
        Insert: {
          "avg_request_ms_best"?: number | null;
          "baseline_days"?: number;
          "baseline_execution_time_sec_14d"?: number | null;
          "baseline_jobs_processed_14d"?: number | null;
          "baseline_stddev_14d"?: number | null;
          "best_job_id": number;
          "best_status": string;
          "blocked_403_sum": number;
          "blocked_429_sum": number;
          "captchas_sum": number;
          "drop_zscore"?: number | null;
          "execution_time_sec_best": number;
          "final_status"?: string;
          "first_started_at"?: string | null;
          "http_block_rate_sum"?: number | null;
          "http_fail_rate_sum"?: number | null;
          "http_failures_sum": number;
          "is_drop"?: boolean;
          "is_problem"?: number;
          "is_success"?: number;
          "items_new_best": number;
          "items_rejected_best": number;
          "jobs_processed_best": number;
          "last_finished_at"?: string | null;
          "problem_reasons"?: (string)[];
          "relative_drop"?: number | null;
          "requests_sum": number;
          "run_date": string;
          "runs_cancelled"?: number;
          "runs_completed"?: number;
          "runs_failed"?: number;
          "runs_partial"?: number;
          "runs_skipped"?: number;
          "runs_total": number;
          "source_id": number;
          "timeout_rate"?: number | null;
          "timeouts_sum": number;
          "updated_at"?: string;
        };
        Update: {
          "avg_request_ms_best"?: number | null;
          "baseline_days"?: number;
          "baseline_execution_time_sec_14d"?: number | null;
          "baseline_jobs_processed_14d"?: number | null;
          "baseline_stddev_14d"?: number | null;
          "best_job_id"?: number;
          "best_status"?: string;
          "blocked_403_sum"?: number;
          "blocked_429_sum"?: number;
          "captchas_sum"?: number;
          "drop_zscore"?: number | null;
          "execution_time_sec_best"?: number;
          "final_status"?: string;
          "first_started_at"?: string | null;
          "http_block_rate_sum"?: number | null;
          "http_fail_rate_sum"?: number | null;
          "http_failures_sum"?: number;
          "is_drop"?: boolean;
          "is_problem"?: number;
          "is_success"?: number;
          "items_new_best"?: number;
          "items_rejected_best"?: number;
          "jobs_processed_best"?: number;
          "last_finished_at"?: string | null;
          "problem_reasons"?: (string)[];
          "relative_drop"?: number | null;
          "requests_sum"?: number;
          "run_date"?: string;
          "runs_cancelled"?: number;
          "runs_completed"?: number;
          "runs_failed"?: number;
          "runs_partial"?: number;
          "runs_skipped"?: number;
          "runs_total"?: number;
          "source_id"?: number;
          "timeout_rate"?: number | null;
          "timeouts_sum"?: number;
          "updated_at"?: string;
        };
        Relationships: [
          {
            foreignKeyName: "daily_source_stats_source_id_fkey";
            columns: ["source_id"];
            isOneToOne: false;
            referencedRelation: "portal_status_v";
            referencedColumns: ["source_id"];
          },
          {
            foreignKeyName: "daily_source_stats_source_id_fkey";
            columns: ["source_id"];
            isOneToOne: false;
            referencedRelation: "slo_status_v";
            referencedColumns: ["source_id"];
          },
          {
            foreignKeyName: "daily_source_stats_source_id_fkey";
            columns: ["source_id"];
            isOneToOne: false;
            referencedRelation: "source_comparison_v";
            referencedColumns: ["source_id"];
          },
          {
            foreignKeyName: "daily_source_stats_source_id_fkey";
            columns: ["source_id"];
            isOneToOne: false;
            referencedRelation: "sources";
            referencedColumns: ["id"];
          },
        ];
      };
      "error_categories": {
        Row: {
          "built_in": boolean;
          "category": string;
          "default_severity": string;
          "description": string;
          "is_block": boolean;
          "retryable": boolean;
        };
        ComputedFields: never;
        Insert: {
          "built_in"?: boolean;
          "category": string;
          "default_severity": string;
          "description": string;
          "is_block"?: boolean;
          "retryable"?: boolean;
        };
        Update: {
          "built_in"?: boolean;
          "category"?: string;
          "default_severity"?: string;
          "description"?: string;
          "is_block"?: boolean;
          "retryable"?: boolean;
        };
        Relationships: [];
      };
      "error_daily": {
        Row: {
          "category": string;
          "count": number;
          "day": string;
          "source_id": number | null;
        };
        ComputedFields: never;
        Insert: {
          "category": string;
          "count": number;
          "day": string;
          "source_id"?: number | null;
        };
        Update: {
          "category"?: string;
          "count"?: number;
          "day"?: string;
          "source_id"?: number | null;
        };
        Relationships: [
          {
            foreignKeyName: "error_daily_category_fkey";
            columns: ["category"];
            isOneToOne: false;
            referencedRelation: "error_categories";
            referencedColumns: ["category"];
          },
          {
            foreignKeyName: "error_daily_category_fkey";
            columns: ["category"];
            isOneToOne: false;
            referencedRelation: "error_category_summary_v";
            referencedColumns: ["category"];
          },
          {
            foreignKeyName: "error_daily_source_id_fkey";
            columns: ["source_id"];
            isOneToOne: false;
            referencedRelation: "portal_status_v";
            referencedColumns: ["source_id"];
          },
          {
            foreignKeyName: "error_daily_source_id_fkey";
            columns: ["source_id"];
            isOneToOne: false;
            referencedRelation: "slo_status_v";
            referencedColumns: ["source_id"];
          },
          {
            foreignKeyName: "error_daily_source_id_fkey";
            columns: ["source_id"];
            isOneToOne: false;
            referencedRelation: "source_comparison_v";
            referencedColumns: ["source_id"];
          },
          {
            foreignKeyName: "error_daily_source_id_fkey";
            columns: ["source_id"];
            isOneToOne: false;
            referencedRelation: "sources";
            referencedColumns: ["id"];
          },
        ];
      };
      "error_daily_category": {
        Row: {
          "category": string;
          "day": string;
          "occurrences": number;
          "sources_affected": number;
        };
        ComputedFields: never;
        Insert: {
          "category": string;
          "day": string;
          "occurrences": number;
          "sources_affected": number;
        };
        Update: {
          "category"?: string;
          "day"?: string;
          "occurrences"?: number;
          "sources_affected"?: number;
        };
        Relationships: [
          {
            foreignKeyName: "error_daily_category_category_fkey";
            columns: ["category"];
            isOneToOne: false;
            referencedRelation: "error_categories";
            referencedColumns: ["category"];
          },
          {
            foreignKeyName: "error_daily_category_category_fkey";
            columns: ["category"];
            isOneToOne: false;
            referencedRelation: "error_category_summary_v";
            referencedColumns: ["category"];
          },
        ];
      };
      "error_hourly": {
        Row: {
          "category": string;
          "count": number;
          "hour": string;
          "source_id": number | null;
        };
        ComputedFields: never;
        Insert: {
          "category": string;
          "count": number;
          "hour": string;
          "source_id"?: number | null;
        };
        Update: {
          "category"?: string;
          "count"?: number;
          "hour"?: string;
          "source_id"?: number | null;
        };
        Relationships: [
          {
            foreignKeyName: "error_hourly_category_fkey";
            columns: ["category"];
            isOneToOne: false;
            referencedRelation: "error_categories";
            referencedColumns: ["category"];
          },
          {
            foreignKeyName: "error_hourly_category_fkey";
            columns: ["category"];
            isOneToOne: false;
            referencedRelation: "error_category_summary_v";
            referencedColumns: ["category"];
          },
          {
            foreignKeyName: "error_hourly_source_id_fkey";
            columns: ["source_id"];
            isOneToOne: false;
            referencedRelation: "portal_status_v";
            referencedColumns: ["source_id"];
          },
          {
            foreignKeyName: "error_hourly_source_id_fkey";
            columns: ["source_id"];
            isOneToOne: false;
            referencedRelation: "slo_status_v";
            referencedColumns: ["source_id"];
          },
          {
            foreignKeyName: "error_hourly_source_id_fkey";
            columns: ["source_id"];
            isOneToOne: false;
            referencedRelation: "source_comparison_v";
            referencedColumns: ["source_id"];
          },
          {
            foreignKeyName: "error_hourly_source_id_fkey";
            columns: ["source_id"];
            isOneToOne: false;
            referencedRelation: "sources";
            referencedColumns: ["id"];
          },
        ];
      };
      "errors": {
        Row: {
          "category": string;
          "count": number;
          "details": Json | null;
          "fingerprint": string;
          "first_seen": string;
          "http_status": number | null;
          "id": number;
          "job_id": number | null;
          "last_occurrence": string;
          "message": string;
          "portal": string | null;
          "severity": string;
          "source_id": number | null;
          "url": string | null;
        };
        ComputedFields: never;
        Insert: {
          "category": string;
          "count"?: number;
          "details"?: Json | null;
          "fingerprint": string;
          "first_seen"?: string;
          "http_status"?: number | null;
          "id"?: never;
          "job_id"?: number | null;
          "last_occurrence"?: string;
          "message": string;
          "portal"?: string | null;
          "severity": string;
          "source_id"?: number | null;
          "url"?: string | null;
        };
        Update: {
          "category"?: string;
          "count"?: number;
          "details"?: Json | null;
          "fingerprint"?: string;
          "first_seen"?: string;
          "http_status"?: number | null;
          "id"?: never;
          "job_id"?: number | null;
          "last_occurrence"?: string;
          "message"?: string;
          "portal"?: string | null;
          "severity"?: string;
          "source_id"?: number | null;
          "url"?: string | null;
        };
        Relationships: [
          {
            foreignKeyName: "errors_category_fkey";
            columns: ["category"];
            isOneToOne: false;
            referencedRelation: "error_categories";
            referencedColumns: ["category"];
          },
          {
            foreignKeyName: "errors_category_fkey";
            columns: ["category"];
            isOneToOne: false;
            referencedRelation: "error_category_summary_v";
            referencedColumns: ["category"];
          },
          {
            foreignKeyName: "errors_source_id_fkey";
            columns: ["source_id"];
            isOneToOne: false;
            referencedRelation: "portal_status_v";
            referencedColumns: ["source_id"];
          },
          {
            foreignKeyName: "errors_source_id_fkey";
            columns: ["source_id"];
            isOneToOne: false;
            referencedRelation: "slo_status_v";
            referencedColumns: ["source_id"];
          },
          {
            foreignKeyName: "errors_source_id_fkey";
            columns: ["source_id"];
            isOneToOne: false;
            referencedRelation: "source_comparison_v";
            referencedColumns: ["source_id"];
          },
          {
            foreignKeyName: "errors_source_id_fkey";
            columns: ["source_id"];
            isOneToOne: false;
            referencedRelation: "sources";
            referencedColumns: ["id"];
          },
        ];
      };
      "job_types": {
        Row: {
          "description": string;
          "exclusive": boolean;
          "lease_seconds": number;
          "max_attempts": number;
          "timeout_seconds": number;
          "type": string;
          "worker_function": string | null;
        };
        ComputedFields: never;
        Insert: {
          "description": string;
          "exclusive"?: boolean;
          "lease_seconds"?: number;
          "max_attempts"?: number;
          "timeout_seconds"?: number;
          "type": string;
          "worker_function"?: string | null;
        };
        Update: {
          "description"?: string;
          "exclusive"?: boolean;
          "lease_seconds"?: number;
          "max_attempts"?: number;
          "timeout_seconds"?: number;
          "type"?: string;
          "worker_function"?: string | null;
        };
        Relationships: [];
      };
      "jobs": {
        Row: {
          "attempt": number;
          "cancel_requested": boolean;
          "created_at": string;
          "created_by": string | null;
          "cursor": Json | null;
          "error": string | null;
          "error_category": string | null;
          "finished_at": string | null;
          "heartbeat_at": string | null;
          "id": number;
          "idempotency_key": string | null;
          "lease_seconds": number;
          "locked_by": string | null;
          "max_attempts": number;
          "params": NonNullable<Json>;
          "parent_id": number | null;
          "priority": number;
          "progress_done": number;
          "progress_total": number | null;
          "result": Json | null;
          "root_id": number | null;
          "run_after": string;
          "run_date": string | null;
          "singleton_key": string | null;
          "source_id": number | null;
          "started_at": string | null;
          "status": string;
          "timeout_at": string | null;
          "type": string;
          "updated_at": string;
        };
        ComputedFields: never;
        Insert: {
          "attempt"?: number;
          "cancel_requested"?: boolean;
          "created_at"?: string;
          "created_by"?: string | null;
          "cursor"?: Json | null;
          "error"?: string | null;
          "error_category"?: string | null;
          "finished_at"?: string | null;
          "heartbeat_at"?: string | null;
          "id"?: never;
          "idempotency_key"?: string | null;
          "lease_seconds"?: number;
          "locked_by"?: string | null;
          "max_attempts"?: number;
          "params"?: NonNullable<Json>;
          "parent_id"?: number | null;
          "priority"?: number;
          "progress_done"?: number;
          "progress_total"?: number | null;
          "result"?: Json | null;
          "root_id"?: number | null;
          "run_after"?: string;
          "run_date"?: string | null;
          "singleton_key"?: string | null;
          "source_id"?: number | null;
          "started_at"?: string | null;
          "status"?: string;
          "timeout_at"?: string | null;
          "type": string;
          "updated_at"?: string;
        };
        Update: {
          "attempt"?: number;
          "cancel_requested"?: boolean;
          "created_at"?: string;
          "created_by"?: string | null;
          "cursor"?: Json | null;
          "error"?: string | null;
          "error_category"?: string | null;
          "finished_at"?: string | null;
          "heartbeat_at"?: string | null;
          "id"?: never;
          "idempotency_key"?: string | null;
          "lease_seconds"?: number;
          "locked_by"?: string | null;
          "max_attempts"?: number;
          "params"?: NonNullable<Json>;
          "parent_id"?: number | null;
          "priority"?: number;
          "progress_done"?: number;
          "progress_total"?: number | null;
          "result"?: Json | null;
          "root_id"?: number | null;
          "run_after"?: string;
          "run_date"?: string | null;
          "singleton_key"?: string | null;
          "source_id"?: number | null;
          "started_at"?: string | null;
          "status"?: string;
          "timeout_at"?: string | null;
          "type"?: string;
          "updated_at"?: string;
        };
        Relationships: [
          {
            foreignKeyName: "jobs_parent_id_fkey";
            columns: ["parent_id"];
            isOneToOne: false;
            referencedRelation: "jobs";
            referencedColumns: ["id"];
          },
          {
            foreignKeyName: "jobs_parent_id_fkey";
            columns: ["parent_id"];
            isOneToOne: false;
            referencedRelation: "mirror_freshness_v";
            referencedColumns: ["pipeline_job_id"];
          },
          {
            foreignKeyName: "jobs_root_id_fkey";
            columns: ["root_id"];
            isOneToOne: false;
            referencedRelation: "jobs";
            referencedColumns: ["id"];
          },
          {
            foreignKeyName: "jobs_root_id_fkey";
            columns: ["root_id"];
            isOneToOne: false;
            referencedRelation: "mirror_freshness_v";
            referencedColumns: ["pipeline_job_id"];
          },
          {
            foreignKeyName: "jobs_source_id_fkey";
            columns: ["source_id"];
            isOneToOne: false;
            referencedRelation: "portal_status_v";
            referencedColumns: ["source_id"];
          },
          {
            foreignKeyName: "jobs_source_id_fkey";
            columns: ["source_id"];
            isOneToOne: false;
            referencedRelation: "slo_status_v";
            referencedColumns: ["source_id"];
          },
          {
            foreignKeyName: "jobs_source_id_fkey";
            columns: ["source_id"];
            isOneToOne: false;
            referencedRelation: "source_comparison_v";
            referencedColumns: ["source_id"];
          },
          {
            foreignKeyName: "jobs_source_id_fkey";
            columns: ["source_id"];
            isOneToOne: false;
            referencedRelation: "sources";
            referencedColumns: ["id"];
          },
          {
            foreignKeyName: "jobs_type_fkey";
            columns: ["type"];
            isOneToOne: false;
            referencedRelation: "job_type_stats_v";
            referencedColumns: ["type"];
          },
          {
            foreignKeyName: "jobs_type_fkey";
            columns: ["type"];
            isOneToOne: false;
            referencedRelation: "job_types";
            referencedColumns: ["type"];
          },
        ];
      };
      "logs": {
        Row: {
          "context": Json | null;
          "id": number;
          "job_id": number;
          "level": string;
          "message": string;
          "source_id": number | null;
          "ts": string;
        };
        ComputedFields: never;
        Insert: {
          "context"?: Json | null;
          "id"?: never;
          "job_id": number;
          "level": string;
          "message": string;
          "source_id"?: number | null;
          "ts"?: string;
        };
        Update: {
          "context"?: Json | null;
          "id"?: never;
          "job_id"?: number;
          "level"?: string;
          "message"?: string;
          "source_id"?: number | null;
          "ts"?: string;
        };
        Relationships: [];
      };
      "mirror_runs": {
        Row: {
          "date_from": string;
          "date_to": string;
          "duration_ms": number | null;
          "error": string | null;
          "finished_at": string | null;
          "id": number;
          "rows_read": number;
          "rows_upserted": number;
          "started_at": string;
          "status": string;
          "target": string;
          "watermark": string | null;
        };
        ComputedFields: never;
        Insert: {
          "date_from": string;
          "date_to": string;
          "duration_ms"?: number | null;
          "error"?: string | null;
          "finished_at"?: string | null;
          "id"?: never;
          "rows_read"?: number;
          "rows_upserted"?: number;
          "started_at"?: string;
          "status"?: string;
          "target": string;
          "watermark"?: string | null;
        };
        Update: {
          "date_from"?: string;
          "date_to"?: string;
          "duration_ms"?: number | null;
          "error"?: string | null;
          "finished_at"?: string | null;
          "id"?: never;
          "rows_read"?: number;
          "rows_upserted"?: number;
          "started_at"?: string;
          "status"?: string;
          "target"?: string;
          "watermark"?: string | null;
        };
        Relationships: [];
      };
      "scrape_runs": {
        Row: {
          "avg_request_ms": number | null;
          "blocked_403": number;
          "blocked_429": number;
          "breaker_triggered": boolean;
          "breaker_trips": number;
          "captchas": number;
          "execution_time_sec": number;
          "finished_at": string | null;
          "http_failures": number;
          "items_found": number;
          "items_new": number;
          "items_rejected": number;
          "items_updated": number;
          "job_id": number;
          "links_checked": number;
          "links_failed": number;
          "links_ok": number;
          "portal_stats": NonNullable<Json>;
          "request_time_ms_total": number;
          "requests": number;
          "run_date": string;
          "source_id": number;
          "started_at": string;
          "status": string;
          "timeouts": number;
        };
        ComputedFields: never;
        Insert: {
          "avg_request_ms"?: never;
          "blocked_403"?: number;
          "blocked_429"?: number;
          "breaker_triggered"?: boolean;
          "breaker_trips"?: number;
          "captchas"?: number;
          "execution_time_sec"?: number;
          "finished_at"?: string | null;
          "http_failures"?: number;
          "items_found"?: number;
          "items_new"?: number;
          "items_rejected"?: number;
          "items_updated"?: number;
          "job_id": number;
          "links_checked"?: number;
          "links_failed"?: number;
          "links_ok"?: number;
          "portal_stats"?: NonNullable<Json>;
          "request_time_ms_total"?: number;
          "requests"?: number;
          "run_date": string;
          "source_id": number;
          "started_at"?: string;
          "status"?: string;
          "timeouts"?: number;
        };
        Update: {
          "avg_request_ms"?: never;
          "blocked_403"?: number;
          "blocked_429"?: number;
          "breaker_triggered"?: boolean;
          "breaker_trips"?: number;
          "captchas"?: number;
          "execution_time_sec"?: number;
          "finished_at"?: string | null;
          "http_failures"?: number;
          "items_found"?: number;
          "items_new"?: number;
          "items_rejected"?: number;
          "items_updated"?: number;
          "job_id"?: number;
          "links_checked"?: number;
          "links_failed"?: number;
          "links_ok"?: number;
          "portal_stats"?: NonNullable<Json>;
          "request_time_ms_total"?: number;
          "requests"?: number;
          "run_date"?: string;
          "source_id"?: number;
          "started_at"?: string;
          "status"?: string;
          "timeouts"?: number;
        };
        Relationships: [
          {
            foreignKeyName: "scrape_runs_job_id_fkey";
            columns: ["job_id"];
            isOneToOne: true;
            referencedRelation: "jobs";
            referencedColumns: ["id"];
          },
          {
            foreignKeyName: "scrape_runs_job_id_fkey";
            columns: ["job_id"];
            isOneToOne: true;
            referencedRelation: "mirror_freshness_v";
            referencedColumns: ["pipeline_job_id"];
          },
          {
            foreignKeyName: "scrape_runs_source_id_fkey";
            columns: ["source_id"];
            isOneToOne: false;
            referencedRelation: "portal_status_v";
            referencedColumns: ["source_id"];
          },
          {
            foreignKeyName: "scrape_runs_source_id_fkey";
            columns: ["source_id"];
            isOneToOne: false;
            referencedRelation: "slo_status_v";
            referencedColumns: ["source_id"];
          },
          {
            foreignKeyName: "scrape_runs_source_id_fkey";
            columns: ["source_id"];
            isOneToOne: false;
            referencedRelation: "source_comparison_v";
            referencedColumns: ["source_id"];
          },
          {
            foreignKeyName: "scrape_runs_source_id_fkey";
            columns: ["source_id"];
            isOneToOne: false;
            referencedRelation: "sources";
            referencedColumns: ["id"];
          },
        ];
      };
      "settings": {
        Row: {
          "description": string;
          "key": string;
          "updated_at": string;
          "value": NonNullable<Json>;
        };
        ComputedFields: never;
        Insert: {
          "description": string;
          "key": string;
          "updated_at"?: string;
          "value": NonNullable<Json>;
        };
        Update: {
          "description"?: string;
          "key"?: string;
          "updated_at"?: string;
          "value"?: NonNullable<Json>;
        };
        Relationships: [];
      };
      "source_days": {
        Row: {
          "first_run_date": string;
          "last_run_date": string;
          "source_id": number;
        };
        ComputedFields: never;
        Insert: {
          "first_run_date": string;
          "last_run_date": string;
          "source_id": number;
        };
        Update: {
          "first_run_date"?: string;
          "last_run_date"?: string;
          "source_id"?: number;
        };
        Relationships: [
          {
            foreignKeyName: "source_days_source_id_fkey";
            columns: ["source_id"];
            isOneToOne: true;
            referencedRelation: "portal_status_v";
            referencedColumns: ["source_id"];
          },
          {
            foreignKeyName: "source_days_source_id_fkey";
            columns: ["source_id"];
            isOneToOne: true;
            referencedRelation: "slo_status_v";
            referencedColumns: ["source_id"];
          },
          {
            foreignKeyName: "source_days_source_id_fkey";
            columns: ["source_id"];
            isOneToOne: true;
            referencedRelation: "source_comparison_v";
            referencedColumns: ["source_id"];
          },
          {
            foreignKeyName: "source_days_source_id_fkey";
            columns: ["source_id"];
            isOneToOne: true;
            referencedRelation: "sources";
            referencedColumns: ["id"];
          },
        ];
      };
      "sources": {
        Row: {
          "active": boolean;
          "adapter": string;
          "adapter_config": NonNullable<Json>;
          "breaker_cooldown_seconds": number;
          "breaker_enabled": boolean;
          "breaker_opened_at": string | null;
          "breaker_state": string;
          "breaker_threshold": number;
          "breaker_trip_count": number;
          "consecutive_errors": number;
          "created_at": string;
          "display_name": string;
          "drop_min_baseline": number;
          "drop_relative_threshold": number;
          "drop_zscore_threshold": number;
          "id": number;
          "key": string;
          "last_error_at": string | null;
          "last_success_at": string | null;
          "max_concurrency": number;
          "rate_limit_seconds": number;
          "slo_alert_success_rate": number;
          "slo_avg_duration_seconds": number;
          "slo_success_rate": number;
          "updated_at": string;
        };
        ComputedFields: never;
        Insert: {
          "active"?: boolean;
          "adapter": string;
          "adapter_config"?: NonNullable<Json>;
          "breaker_cooldown_seconds"?: number;
          "breaker_enabled"?: boolean;
          "breaker_opened_at"?: string | null;
          "breaker_state"?: string;
          "breaker_threshold"?: number;
          "breaker_trip_count"?: number;
          "consecutive_errors"?: number;
          "created_at"?: string;
          "display_name": string;
          "drop_min_baseline"?: number;
          "drop_relative_threshold"?: number;
          "drop_zscore_threshold"?: number;
          "id"?: never;
          "key": string;
          "last_error_at"?: string | null;
          "last_success_at"?: string | null;
          "max_concurrency"?: number;
          "rate_limit_seconds"?: number;
          "slo_alert_success_rate"?: number;
          "slo_avg_duration_seconds"?: number;
          "slo_success_rate"?: number;
          "updated_at"?: string;
        };
        Update: {
          "active"?: boolean;
          "adapter"?: string;
          "adapter_config"?: NonNullable<Json>;
          "breaker_cooldown_seconds"?: number;
          "breaker_enabled"?: boolean;
          "breaker_opened_at"?: string | null;
          "breaker_state"?: string;
          "breaker_threshold"?: number;
          "breaker_trip_count"?: number;
          "consecutive_errors"?: number;
          "created_at"?: string;
          "display_name"?: string;
          "drop_min_baseline"?: number;
          "drop_relative_threshold"?: number;
          "drop_zscore_threshold"?: number;
          "id"?: never;
          "key"?: string;
          "last_error_at"?: string | null;
          "last_success_at"?: string | null;
          "max_concurrency"?: number;
          "rate_limit_seconds"?: number;
          "slo_alert_success_rate"?: number;
          "slo_avg_duration_seconds"?: number;
          "slo_success_rate"?: number;
          "updated_at"?: string;
        };
        Relationships: [];
      };
    };
    Views: {
      "alerts_v": {
        Row: {
          "alert_id": string | null;
          "evaluated_date": string | null;
          "message": string | null;
          "rule": string | null;
          "severity": string | null;
          "severity_rank": number | null;
          "since": string | null;
          "source_id": number | null;
          "source_key": string | null;
          "threshold": number | null;
          "value": number | null;
        };
        ComputedFields: never;
        Relationships: [];
      };
      "daily_summary_v": {
        Row: {
          "active": boolean | null;
          "avg_request_ms_best": number | null;
          "baseline_days": number | null;
          "baseline_jobs_processed_14d": number | null;
          "baseline_stddev_14d": number | null;
          "best_job_id": number | null;
          "best_status": string | null;
          "blocked_403_sum": number | null;
          "blocked_429_sum": number | null;
          "captchas_sum": number | null;
          "company_key": string | null;
          "display_name": string | null;
          "drop_zscore": number | null;
          "execution_time_sec_best": number | null;
          "final_status": string | null;
          "first_started_at": string | null;
          "http_block_rate_sum": number | null;
          "http_fail_rate_sum": number | null;
          "http_failures_sum": number | null;
          "is_drop": boolean | null;
          "is_problem": number | null;
          "is_success": number | null;
          "items_new_best": number | null;
          "items_rejected_best": number | null;
          "jobs_processed_best": number | null;
          "last_finished_at": string | null;
          "problem_reasons": (string)[] | null;
          "relative_drop": number | null;
          "requests_sum": number | null;
          "run_date": string | null;
          "runs_completed": number | null;
          "runs_failed": number | null;
          "runs_partial": number | null;
          "runs_total": number | null;
          "source_id": number | null;
          "timeout_rate": number | null;
          "timeouts_sum": number | null;
        };
        ComputedFields: never;
        Relationships: [];
      };
      "error_category_summary_v": {
        Row: {
          "category": string;
          "change_7d": number | null;
          "default_severity": string;
          "description": string;
          "is_block": boolean;
          "last_24h": number | null;
          "last_30d": number | null;
          "last_7d": number | null;
          "last_90d": number | null;
          "previous_7d": number | null;
          "share_7d": number | null;
          "sources_7d": number | null;
        };
        ComputedFields: never;
        Relationships: [];
      };
      "error_trend_daily_v": {
        Row: {
          "category": string;
          "day": string;
          "is_block": boolean;
          "occurrences": number;
          "sources_affected": number;
        };
        ComputedFields: never;
        Relationships: [
          {
            foreignKeyName: "error_daily_category_category_fkey";
            columns: ["category"];
            isOneToOne: false;
            referencedRelation: "error_categories";
            referencedColumns: ["category"];
          },
          {
            foreignKeyName: "error_daily_category_category_fkey";
            columns: ["category"];
            isOneToOne: false;
            referencedRelation: "error_category_summary_v";
            referencedColumns: ["category"];
          },
        ];
      };
      "error_trend_hourly_v": {
        Row: {
          "category": string;
          "hour": string;
          "is_block": boolean;
          "occurrences": number | null;
          "sources_affected": number | null;
        };
        ComputedFields: never;
        Relationships: [
          {
            foreignKeyName: "error_hourly_category_fkey";
            columns: ["category"];
            isOneToOne: false;
            referencedRelation: "error_categories";
            referencedColumns: ["category"];
          },
          {
            foreignKeyName: "error_hourly_category_fkey";
            columns: ["category"];
            isOneToOne: false;
            referencedRelation: "error_category_summary_v";
            referencedColumns: ["category"];
          },
        ];
      };
      "job_type_stats_v": {
        Row: {
          "avg_attempts": number | null;
          "avg_duration_sec": number | null;
          "cancelled": number | null;
          "completed": number | null;
          "description": string;
          "failed": number | null;
          "jobs": number | null;
          "last_finished_at": string | null;
          "p95_duration_sec": number | null;
          "partial": number | null;
          "pending": number | null;
          "retried": number | null;
          "running": number | null;
          "skipped": number | null;
          "success_rate": number | null;
          "type": string;
        };
        ComputedFields: never;
        Relationships: [];
      };
      "mirror_freshness_v": {
        Row: {
          "checked_at": string | null;
          "deadline": string | null;
          "export_date_from": string | null;
          "export_date_to": string | null;
          "export_finished_at": string | null;
          "export_id": number | null;
          "export_target": string | null;
          "export_watermark": string | null;
          "is_fresh": boolean | null;
          "is_stale": boolean | null;
          "last_run_error": string | null;
          "last_run_finished_at": string | null;
          "last_run_id": number | null;
          "last_run_status": string | null;
          "past_deadline": boolean | null;
          "pipeline_finished_at": string | null;
          "pipeline_job_id": number | null;
          "pipeline_status": string | null;
          "reason": string | null;
          "today": string | null;
          "yesterday": string | null;
        };
        ComputedFields: never;
        Relationships: [];
      };
      "pipeline_daily_v": {
        Row: {
          "cancelled": number | null;
          "completed": number | null;
          "day": string | null;
          "failed": number | null;
          "first_started_at": string | null;
          "in_progress": number | null;
          "jobs": number | null;
          "last_finished_at": string | null;
          "partial": number | null;
          "pipeline_runs": number | null;
          "scrape_jobs": number | null;
          "skipped": number | null;
          "span_sec": number | null;
          "success_rate": number | null;
        };
        ComputedFields: never;
        Relationships: [];
      };
      "pipeline_stats_v": {
        Row: {
          "avg_duration_sec": number | null;
          "cancelled": number | null;
          "child_jobs": number | null;
          "child_jobs_failed": number | null;
          "child_jobs_skipped": number | null;
          "completed": number | null;
          "failed": number | null;
          "in_progress": number | null;
          "last_started_at": string | null;
          "last_status": string | null;
          "max_duration_sec": number | null;
          "partial": number | null;
          "runs": number | null;
          "success_rate": number | null;
          "window_days": number | null;
        };
        ComputedFields: never;
        Relationships: [];
      };
      "portal_status_v": {
        Row: {
          "active": boolean;
          "adapter": string;
          "blocks_24h": number | null;
          "blocks_7d": number | null;
          "breaker_cooldown_seconds": number;
          "breaker_enabled": boolean;
          "breaker_opened_at": string | null;
          "breaker_retry_at": string | null;
          "breaker_state": string;
          "breaker_threshold": number;
          "breaker_trip_count": number;
          "consecutive_errors": number;
          "display_name": string;
          "distinct_errors_7d": number | null;
          "effective_rate_limit_seconds": number | null;
          "errors_24h": number | null;
          "errors_7d": number | null;
          "last_error_at": string | null;
          "last_final_status": string | null;
          "last_jobs_processed": number | null;
          "last_run_date": string | null;
          "last_success_at": string | null;
          "max_concurrency": number;
          "portal_state": string | null;
          "rate_limit_seconds": number;
          "source_id": number;
          "source_key": string;
          "top_category_7d": string | null;
        };
        ComputedFields: never;
        Relationships: [];
      };
      "silent_failures_v": {
        Row: {
          "active": boolean;
          "baseline_days": number;
          "baseline_execution_time_sec_14d": number | null;
          "baseline_jobs_processed_14d": number | null;
          "display_name": string;
          "drop_zscore": number | null;
          "execution_time_ratio": number | null;
          "execution_time_sec": number | null;
          "job_id": number;
          "jobs_processed_best": number;
          "kinds": (string)[] | null;
          "message": string | null;
          "relative_drop": number | null;
          "run_date": string;
          "source_id": number;
          "source_key": string;
        };
        ComputedFields: never;
        Relationships: [
          {
            foreignKeyName: "daily_source_stats_source_id_fkey";
            columns: ["source_id"];
            isOneToOne: false;
            referencedRelation: "portal_status_v";
            referencedColumns: ["source_id"];
          },
          {
            foreignKeyName: "daily_source_stats_source_id_fkey";
            columns: ["source_id"];
            isOneToOne: false;
            referencedRelation: "slo_status_v";
            referencedColumns: ["source_id"];
          },
          {
            foreignKeyName: "daily_source_stats_source_id_fkey";
            columns: ["source_id"];
            isOneToOne: false;
            referencedRelation: "source_comparison_v";
            referencedColumns: ["source_id"];
          },
          {
            foreignKeyName: "daily_source_stats_source_id_fkey";
            columns: ["source_id"];
            isOneToOne: false;
            referencedRelation: "sources";
            referencedColumns: ["id"];
          },
        ];
      };
      "slo_status_v": {
        Row: {
          "active": boolean;
          "avg_duration_sec": number | null;
          "days_counted": number | null;
          "days_failed": number | null;
          "days_no_data": number | null;
          "days_partial": number | null;
          "days_success": number | null;
          "display_name": string;
          "duration_status": string | null;
          "message": string | null;
          "slo_alert_success_rate": number | null;
          "slo_avg_duration_seconds": number | null;
          "slo_status": string | null;
          "slo_success_rate": number | null;
          "source_id": number;
          "source_key": string;
          "success_rate": number | null;
          "success_status": string | null;
          "window_days": number | null;
          "window_from": string | null;
          "window_to": string | null;
        };
        ComputedFields: never;
        Relationships: [];
      };
      "source_comparison_v": {
        Row: {
          "active": boolean;
          "avg_duration_change": number | null;
          "avg_duration_sec": number | null;
          "avg_duration_sec_previous": number | null;
          "avg_jobs_processed": number | null;
          "avg_jobs_processed_change": number | null;
          "avg_jobs_processed_previous": number | null;
          "days_counted": number | null;
          "days_failed": number | null;
          "days_no_data": number | null;
          "days_success": number | null;
          "display_name": string;
          "period_days": number | null;
          "period_from": string | null;
          "period_to": string | null;
          "rank_worst_first": number | null;
          "runs_total": number | null;
          "source_id": number;
          "source_key": string;
          "success_rate": number | null;
          "success_rate_change": number | null;
          "success_rate_previous": number | null;
        };
        ComputedFields: never;
        Relationships: [];
      };
      "top_errors_v": {
        Row: {
          "category": string;
          "fingerprint": string;
          "first_seen": string | null;
          "http_status": number | null;
          "last_occurrence": string | null;
          "occurrences": number | null;
          "rank": number | null;
          "sample_message": string | null;
          "sample_url": string | null;
          "severity": string | null;
          "source_keys": (string)[] | null;
          "sources_affected": number | null;
        };
        ComputedFields: never;
        Relationships: [
          {
            foreignKeyName: "errors_category_fkey";
            columns: ["category"];
            isOneToOne: false;
            referencedRelation: "error_categories";
            referencedColumns: ["category"];
          },
          {
            foreignKeyName: "errors_category_fkey";
            columns: ["category"];
            isOneToOne: false;
            referencedRelation: "error_category_summary_v";
            referencedColumns: ["category"];
          },
        ];
      };
    };
    Functions: {
      "job_tree": {
        Args: { "p_root_id": number };
        Returns: {
          "attempt": number;
          "created_at": string;
          "depth": number;
          "duration_sec": number;
          "effective_status": string;
          "error": string;
          "error_category": string;
          "finished_at": string;
          "job_id": number;
          "parent_id": number;
          "path": (number)[];
          "root_id": number;
          "run_date": string;
          "skipped_reason": string;
          "source_id": number;
          "source_key": string;
          "started_at": string;
          "status": string;
          "type": string;
        }[];
      };
    };
    Enums: {
      [_ in never]: never;
    };
    CompositeTypes: {
      [_ in never]: never;
    };
  };
  "reporting": {
    Tables: {
      [_ in never]: never;
    };
    Views: {
      "daily_summary_looker_v": {
        Row: {
          "baseline_jobs_processed_14d": number | null;
          "company_key": string | null;
          "drop_zscore": number | null;
          "execution_time_sec_best": number | null;
          "final_status": string | null;
          "http_block_rate_sum": number | null;
          "http_fail_rate_sum": number | null;
          "is_drop": number | null;
          "is_problem": number | null;
          "is_success": number | null;
          "jobs_processed_best": number | null;
          "problem_reasons": string | null;
          "relative_drop": number | null;
          "run_date": string | null;
          "runs_total": number | null;
          "timeout_rate": number | null;
        };
        ComputedFields: never;
        Relationships: [];
      };
    };
    Functions: {
      [_ in never]: never;
    };
    Enums: {
      [_ in never]: never;
    };
    CompositeTypes: {
      [_ in never]: never;
    };
  };
};

type DatabaseWithoutInternals = Omit<Database, "__InternalSupabase">;

type DefaultSchema = DatabaseWithoutInternals[Extract<keyof Database, "ops">];

export type Tables<
  DefaultSchemaTableNameOrOptions extends
    | keyof (DefaultSchema["Tables"] & DefaultSchema["Views"])
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals;
  } ? keyof (
      & DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"]
      & DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Views"]
    )
    : never = never,
> = DefaultSchemaTableNameOrOptions extends { schema: keyof DatabaseWithoutInternals } ? (
    & DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"]
    & DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Views"]
  )[TableName] extends {
    Row: infer R;
  } ? R
  : never
  : DefaultSchemaTableNameOrOptions extends keyof (DefaultSchema["Tables"] & DefaultSchema["Views"])
    ? (DefaultSchema["Tables"] & DefaultSchema["Views"])[DefaultSchemaTableNameOrOptions] extends {
      Row: infer R;
    } ? R
    : never
  : never;

export type TablesInsert<
  DefaultSchemaTableNameOrOptions extends
    | keyof DefaultSchema["Tables"]
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals;
  } ? keyof DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"]
    : never = never,
> = DefaultSchemaTableNameOrOptions extends { schema: keyof DatabaseWithoutInternals }
  ? DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"][TableName] extends {
    Insert: infer I;
  } ? I
  : never
  : DefaultSchemaTableNameOrOptions extends keyof DefaultSchema["Tables"]
    ? DefaultSchema["Tables"][DefaultSchemaTableNameOrOptions] extends {
      Insert: infer I;
    } ? I
    : never
  : never;

export type TablesUpdate<
  DefaultSchemaTableNameOrOptions extends
    | keyof DefaultSchema["Tables"]
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals;
  } ? keyof DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"]
    : never = never,
> = DefaultSchemaTableNameOrOptions extends { schema: keyof DatabaseWithoutInternals }
  ? DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"][TableName] extends {
    Update: infer U;
  } ? U
  : never
  : DefaultSchemaTableNameOrOptions extends keyof DefaultSchema["Tables"]
    ? DefaultSchema["Tables"][DefaultSchemaTableNameOrOptions] extends {
      Update: infer U;
    } ? U
    : never
  : never;

export type Enums<
  DefaultSchemaEnumNameOrOptions extends
    | keyof DefaultSchema["Enums"]
    | { schema: keyof DatabaseWithoutInternals },
  EnumName extends DefaultSchemaEnumNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals;
  } ? keyof DatabaseWithoutInternals[DefaultSchemaEnumNameOrOptions["schema"]]["Enums"]
    : never = never,
> = DefaultSchemaEnumNameOrOptions extends { schema: keyof DatabaseWithoutInternals }
  ? DatabaseWithoutInternals[DefaultSchemaEnumNameOrOptions["schema"]]["Enums"][EnumName]
  : DefaultSchemaEnumNameOrOptions extends keyof DefaultSchema["Enums"]
    ? DefaultSchema["Enums"][DefaultSchemaEnumNameOrOptions]
  : never;

export type CompositeTypes<
  PublicCompositeTypeNameOrOptions extends
    | keyof DefaultSchema["CompositeTypes"]
    | { schema: keyof DatabaseWithoutInternals },
  CompositeTypeName extends PublicCompositeTypeNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals;
  } ? keyof DatabaseWithoutInternals[PublicCompositeTypeNameOrOptions["schema"]]["CompositeTypes"]
    : never = never,
> = PublicCompositeTypeNameOrOptions extends { schema: keyof DatabaseWithoutInternals }
  ? DatabaseWithoutInternals[PublicCompositeTypeNameOrOptions["schema"]]["CompositeTypes"][CompositeTypeName]
  : PublicCompositeTypeNameOrOptions extends keyof DefaultSchema["CompositeTypes"]
    ? DefaultSchema["CompositeTypes"][PublicCompositeTypeNameOrOptions]
  : never;

export const Constants = {
  "ops": {
    Enums: {},
  },
  "reporting": {
    Enums: {},
  },
} as const;
