export type Json = string | number | boolean | null | { [key: string]: Json | undefined } | Json[];

export type Database = {
  "ops": {
    Tables: {
      "alert_states": {
        Row: {
          "acknowledged_at": string | null;
          "acknowledged_by": string | null;
          "acknowledged_severity_rank": number | null;
          "alert_id": string;
          "first_seen_at": string;
          "last_seen_at": string;
          "message": string;
          "resolved_at": string | null;
          "rule": string;
          "severity": string;
          "severity_rank": number;
          "since": string | null;
          "snooze_until_change": boolean;
          "snoozed_by": string | null;
          "snoozed_severity_rank": number | null;
          "snoozed_until": string | null;
          "source_id": number | null;
          "threshold": number | null;
          "value": number | null;
        };
        ComputedFields: never;
        Insert: {
          "acknowledged_at"?: string | null;
          "acknowledged_by"?: string | null;
          "acknowledged_severity_rank"?: number | null;
          "alert_id": string;
          "first_seen_at": string;
          "last_seen_at": string;
          "message": string;
          "resolved_at"?: string | null;
          "rule": string;
          "severity": string;
          "severity_rank": number;
          "since"?: string | null;
          "snooze_until_change"?: boolean;
          "snoozed_by"?: string | null;
          "snoozed_severity_rank"?: number | null;
          "snoozed_until"?: string | null;
          "source_id"?: number | null;
          "threshold"?: number | null;
          "value"?: number | null;
        };
        Update: {
          "acknowledged_at"?: string | null;
          "acknowledged_by"?: string | null;
          "acknowledged_severity_rank"?: number | null;
          "alert_id"?: string;
          "first_seen_at"?: string;
          "last_seen_at"?: string;
          "message"?: string;
          "resolved_at"?: string | null;
          "rule"?: string;
          "severity"?: string;
          "severity_rank"?: number;
          "since"?: string | null;
          "snooze_until_change"?: boolean;
          "snoozed_by"?: string | null;
          "snoozed_severity_rank"?: number | null;
          "snoozed_until"?: string | null;
          "source_id"?: number | null;
          "threshold"?: number | null;
          "value"?: number | null;
        };
        Relationships: [
          {
            foreignKeyName: "alert_states_source_id_fkey";
            columns: ["source_id"];
            isOneToOne: false;
            referencedRelation: "portal_status_v";
            referencedColumns: ["source_id"];
          },
          {
            foreignKeyName: "alert_states_source_id_fkey";
            columns: ["source_id"];
            isOneToOne: false;
            referencedRelation: "slo_status_v";
            referencedColumns: ["source_id"];
          },
          {
            foreignKeyName: "alert_states_source_id_fkey";
            columns: ["source_id"];
            isOneToOne: false;
            referencedRelation: "source_comparison_v";
            referencedColumns: ["source_id"];
          },
          {
            foreignKeyName: "alert_states_source_id_fkey";
            columns: ["source_id"];
            isOneToOne: false;
            referencedRelation: "sources";
            referencedColumns: ["id"];
          },
        ];
      };
      "api_idempotency_keys": {
        Row: {
          "actor": string | null;
          "completed_at": string | null;
          "created_at": string;
          "key": string;
          "request_hash": string;
          "response": Json | null;
          "route": string;
          "status_code": number | null;
        };
        ComputedFields: never;
        Insert: {
          "actor"?: string | null;
          "completed_at"?: string | null;
          "created_at"?: string;
          "key": string;
          "request_hash": string;
          "response"?: Json | null;
          "route": string;
          "status_code"?: number | null;
        };
        Update: {
          "actor"?: string | null;
          "completed_at"?: string | null;
          "created_at"?: string;
          "key"?: string;
          "request_hash"?: string;
          "response"?: Json | null;
          "route"?: string;
          "status_code"?: number | null;
        };
        Relationships: [];
      };
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
      "candidate_signals": {
        Row: {
          "created_at": string;
          "details": Json | null;
          "id": number;
          "kind": string;
          "signal_date": string;
          "source_id": number;
          "value": number;
        };
        ComputedFields: never;
        Insert: {
          "created_at"?: string;
          "details"?: Json | null;
          "id"?: never;
          "kind": string;
          "signal_date": string;
          "source_id": number;
          "value": number;
        };
        Update: {
          "created_at"?: string;
          "details"?: Json | null;
          "id"?: never;
          "kind"?: string;
          "signal_date"?: string;
          "source_id"?: number;
          "value"?: number;
        };
        Relationships: [
          {
            foreignKeyName: "candidate_signals_source_id_fkey";
            columns: ["source_id"];
            isOneToOne: false;
            referencedRelation: "portal_status_v";
            referencedColumns: ["source_id"];
          },
          {
            foreignKeyName: "candidate_signals_source_id_fkey";
            columns: ["source_id"];
            isOneToOne: false;
            referencedRelation: "slo_status_v";
            referencedColumns: ["source_id"];
          },
          {
            foreignKeyName: "candidate_signals_source_id_fkey";
            columns: ["source_id"];
            isOneToOne: false;
            referencedRelation: "source_comparison_v";
            referencedColumns: ["source_id"];
          },
          {
            foreignKeyName: "candidate_signals_source_id_fkey";
            columns: ["source_id"];
            isOneToOne: false;
            referencedRelation: "sources";
            referencedColumns: ["id"];
          },
        ];
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
          "breaker_skips": number;
          "captchas_sum": number;
          "cause_category": string | null;
          "cause_job_id": number | null;
          "cause_message": string | null;
          "dq_fields": (string)[];
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
          "warnings": (string)[];
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
          "breaker_skips"?: number;
          "captchas_sum": number;
          "cause_category"?: string | null;
          "cause_job_id"?: number | null;
          "cause_message"?: string | null;
          "dq_fields"?: (string)[];
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
          "warnings"?: (string)[];
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
          "breaker_skips"?: number;
          "captchas_sum"?: number;
          "cause_category"?: string | null;
          "cause_job_id"?: number | null;
          "cause_message"?: string | null;
          "dq_fields"?: (string)[];
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
          "warnings"?: (string)[];
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
      "dispatches": {
        Row: {
          "attempts": number;
          "body": NonNullable<Json>;
          "created_at": string;
          "delivered_at": string | null;
          "function_name": string;
          "http_status": number | null;
          "id": number;
          "last_error": string | null;
          "next_attempt_at": string | null;
          "request_id": number | null;
          "sent_at": string | null;
          "status": string;
        };
        ComputedFields: never;
        Insert: {
          "attempts"?: number;
          "body"?: NonNullable<Json>;
          "created_at"?: string;
          "delivered_at"?: string | null;
          "function_name": string;
          "http_status"?: number | null;
          "id"?: never;
          "last_error"?: string | null;
          "next_attempt_at"?: string | null;
          "request_id"?: number | null;
          "sent_at"?: string | null;
          "status"?: string;
        };
        Update: {
          "attempts"?: number;
          "body"?: NonNullable<Json>;
          "created_at"?: string;
          "delivered_at"?: string | null;
          "function_name"?: string;
          "http_status"?: number | null;
          "id"?: never;
          "last_error"?: string | null;
          "next_attempt_at"?: string | null;
          "request_id"?: number | null;
          "sent_at"?: string | null;
          "status"?: string;
        };
        Relationships: [];
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
          "wake_fanout": number;
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
          "wake_fanout"?: number;
          "worker_function"?: string | null;
        };
        Update: {
          "description"?: string;
          "exclusive"?: boolean;
          "lease_seconds"?: number;
          "max_attempts"?: number;
          "timeout_seconds"?: number;
          "type"?: string;
          "wake_fanout"?: number;
          "worker_function"?: string | null;
        };
        Relationships: [];
      };
      "jobs": {
        Row: {
          "attempt": number;
          "cancel_requested": boolean;
          "claimed_at": string | null;
          "created_at": string;
          "created_by": string | null;
          "cursor": Json | null;
          "error": string | null;
          "error_category": string | null;
          "finish_digest": string | null;
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
          "claimed_at"?: string | null;
          "created_at"?: string;
          "created_by"?: string | null;
          "cursor"?: Json | null;
          "error"?: string | null;
          "error_category"?: string | null;
          "finish_digest"?: string | null;
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
          "claimed_at"?: string | null;
          "created_at"?: string;
          "created_by"?: string | null;
          "cursor"?: Json | null;
          "error"?: string | null;
          "error_category"?: string | null;
          "finish_digest"?: string | null;
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
          "job_id": number | null;
          "rows_read": number;
          "rows_upserted": number;
          "started_at": string;
          "status": string;
          "target": string;
          "trigger": string;
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
          "job_id"?: number | null;
          "rows_read"?: number;
          "rows_upserted"?: number;
          "started_at"?: string;
          "status"?: string;
          "target": string;
          "trigger"?: string;
          "watermark"?: string | null;
        };
        Update: {
          "date_from"?: string;
          "date_to"?: string;
          "duration_ms"?: number | null;
          "error"?: string | null;
          "finished_at"?: string | null;
          "id"?: never;
          "job_id"?: number | null;
          "rows_read"?: number;
          "rows_upserted"?: number;
          "started_at"?: string;
          "status"?: string;
          "target"?: string;
          "trigger"?: string;
          "watermark"?: string | null;
        };
        Relationships: [
          {
            foreignKeyName: "mirror_runs_job_id_fkey";
            columns: ["job_id"];
            isOneToOne: false;
            referencedRelation: "jobs";
            referencedColumns: ["id"];
          },
          {
            foreignKeyName: "mirror_runs_job_id_fkey";
            columns: ["job_id"];
            isOneToOne: false;
            referencedRelation: "mirror_freshness_v";
            referencedColumns: ["pipeline_job_id"];
          },
        ];
      };
      "notification_channels": {
        Row: {
          "active": boolean;
          "created_at": string;
          "endpoint_url": string | null;
          "id": number;
          "kind": string;
          "min_alert_severity": string | null;
          "name": string;
          "owners": (string)[] | null;
          "recipients": (string)[];
          "secret_name": string;
          "sender": string | null;
          "sends_digest": boolean;
          "tags": (string)[] | null;
          "updated_at": string;
        };
        ComputedFields: never;
        Insert: {
          "active"?: boolean;
          "created_at"?: string;
          "endpoint_url"?: string | null;
          "id"?: never;
          "kind": string;
          "min_alert_severity"?: string | null;
          "name": string;
          "owners"?: (string)[] | null;
          "recipients"?: (string)[];
          "secret_name": string;
          "sender"?: string | null;
          "sends_digest"?: boolean;
          "tags"?: (string)[] | null;
          "updated_at"?: string;
        };
        Update: {
          "active"?: boolean;
          "created_at"?: string;
          "endpoint_url"?: string | null;
          "id"?: never;
          "kind"?: string;
          "min_alert_severity"?: string | null;
          "name"?: string;
          "owners"?: (string)[] | null;
          "recipients"?: (string)[];
          "secret_name"?: string;
          "sender"?: string | null;
          "sends_digest"?: boolean;
          "tags"?: (string)[] | null;
          "updated_at"?: string;
        };
        Relationships: [];
      };
      "notification_deliveries": {
        Row: {
          "alert_id": string | null;
          "attempts": number;
          "channel_id": number;
          "created_at": string;
          "digest_date": string | null;
          "id": number;
          "idempotency_key": string;
          "kind": string;
          "last_error": string | null;
          "last_status_code": number | null;
          "locked_at": string | null;
          "max_attempts": number;
          "next_attempt_at": string;
          "notify_seq": number;
          "payload": NonNullable<Json>;
          "sent_at": string | null;
          "severity_rank": number | null;
          "status": string;
          "updated_at": string;
        };
        ComputedFields: never;
        Insert: {
          "alert_id"?: string | null;
          "attempts"?: number;
          "channel_id": number;
          "created_at"?: string;
          "digest_date"?: string | null;
          "id"?: never;
          "idempotency_key": string;
          "kind": string;
          "last_error"?: string | null;
          "last_status_code"?: number | null;
          "locked_at"?: string | null;
          "max_attempts"?: number;
          "next_attempt_at"?: string;
          "notify_seq"?: number;
          "payload": NonNullable<Json>;
          "sent_at"?: string | null;
          "severity_rank"?: number | null;
          "status"?: string;
          "updated_at"?: string;
        };
        Update: {
          "alert_id"?: string | null;
          "attempts"?: number;
          "channel_id"?: number;
          "created_at"?: string;
          "digest_date"?: string | null;
          "id"?: never;
          "idempotency_key"?: string;
          "kind"?: string;
          "last_error"?: string | null;
          "last_status_code"?: number | null;
          "locked_at"?: string | null;
          "max_attempts"?: number;
          "next_attempt_at"?: string;
          "notify_seq"?: number;
          "payload"?: NonNullable<Json>;
          "sent_at"?: string | null;
          "severity_rank"?: number | null;
          "status"?: string;
          "updated_at"?: string;
        };
        Relationships: [
          {
            foreignKeyName: "notification_deliveries_channel_id_fkey";
            columns: ["channel_id"];
            isOneToOne: false;
            referencedRelation: "notification_channels";
            referencedColumns: ["id"];
          },
        ];
      };
      "playbook": {
        Row: {
          "action": string;
          "key": string;
          "kind": string;
          "title": string;
          "updated_at": string;
        };
        ComputedFields: never;
        Insert: {
          "action": string;
          "key": string;
          "kind": string;
          "title": string;
          "updated_at"?: string;
        };
        Update: {
          "action"?: string;
          "key"?: string;
          "kind"?: string;
          "title"?: string;
          "updated_at"?: string;
        };
        Relationships: [];
      };
      "postings": {
        Row: {
          "active": boolean;
          "cluster_id": number | null;
          "content_hash": string;
          "created_at": string;
          "department": string | null;
          "description": string | null;
          "description_truncated": boolean;
          "employment_type": string | null;
          "external_id": string;
          "first_job_id": number | null;
          "first_seen": string;
          "first_seen_date": string;
          "id": number;
          "inactive_since": string | null;
          "inactive_since_date": string | null;
          "last_job_id": number | null;
          "last_seen": string;
          "last_seen_date": string;
          "location": string | null;
          "locations": NonNullable<Json>;
          "normalized_location": string;
          "normalized_title": string;
          "posted_at": string | null;
          "raw": NonNullable<Json>;
          "repost_of": number | null;
          "repost_origin_pending": boolean;
          "repost_pending": boolean;
          "salary_currency": string | null;
          "salary_max": number | null;
          "salary_min": number | null;
          "salary_period": string | null;
          "source_id": number;
          "title": string;
          "updated_at": string;
          "url": string | null;
          "url_key": string | null;
          "valid_through": string | null;
          "workplace_type": string | null;
        };
        ComputedFields: never;
        Insert: {
          "active"?: boolean;
          "cluster_id"?: number | null;
          "content_hash": string;
          "created_at"?: string;
          "department"?: string | null;
          "description"?: string | null;
          "description_truncated"?: boolean;
          "employment_type"?: string | null;
          "external_id": string;
          "first_job_id"?: number | null;
          "first_seen"?: string;
          "first_seen_date": string;
          "id"?: never;
          "inactive_since"?: string | null;
          "inactive_since_date"?: string | null;
          "last_job_id"?: number | null;
          "last_seen"?: string;
          "last_seen_date": string;
          "location"?: string | null;
          "locations"?: NonNullable<Json>;
          "normalized_location"?: string;
          "normalized_title": string;
          "posted_at"?: string | null;
          "raw"?: NonNullable<Json>;
          "repost_of"?: number | null;
          "repost_origin_pending"?: boolean;
          "repost_pending"?: boolean;
          "salary_currency"?: string | null;
          "salary_max"?: number | null;
          "salary_min"?: number | null;
          "salary_period"?: string | null;
          "source_id": number;
          "title": string;
          "updated_at"?: string;
          "url"?: string | null;
          "url_key"?: string | null;
          "valid_through"?: string | null;
          "workplace_type"?: string | null;
        };
        Update: {
          "active"?: boolean;
          "cluster_id"?: number | null;
          "content_hash"?: string;
          "created_at"?: string;
          "department"?: string | null;
          "description"?: string | null;
          "description_truncated"?: boolean;
          "employment_type"?: string | null;
          "external_id"?: string;
          "first_job_id"?: number | null;
          "first_seen"?: string;
          "first_seen_date"?: string;
          "id"?: never;
          "inactive_since"?: string | null;
          "inactive_since_date"?: string | null;
          "last_job_id"?: number | null;
          "last_seen"?: string;
          "last_seen_date"?: string;
          "location"?: string | null;
          "locations"?: NonNullable<Json>;
          "normalized_location"?: string;
          "normalized_title"?: string;
          "posted_at"?: string | null;
          "raw"?: NonNullable<Json>;
          "repost_of"?: number | null;
          "repost_origin_pending"?: boolean;
          "repost_pending"?: boolean;
          "salary_currency"?: string | null;
          "salary_max"?: number | null;
          "salary_min"?: number | null;
          "salary_period"?: string | null;
          "source_id"?: number;
          "title"?: string;
          "updated_at"?: string;
          "url"?: string | null;
          "url_key"?: string | null;
          "valid_through"?: string | null;
          "workplace_type"?: string | null;
        };
        Relationships: [
          {
            foreignKeyName: "postings_cluster_id_fkey";
            columns: ["cluster_id"];
            isOneToOne: false;
            referencedRelation: "posting_lifespans_v";
            referencedColumns: ["posting_id"];
          },
          {
            foreignKeyName: "postings_cluster_id_fkey";
            columns: ["cluster_id"];
            isOneToOne: false;
            referencedRelation: "postings";
            referencedColumns: ["id"];
          },
          {
            foreignKeyName: "postings_repost_of_fkey";
            columns: ["repost_of"];
            isOneToOne: false;
            referencedRelation: "posting_lifespans_v";
            referencedColumns: ["posting_id"];
          },
          {
            foreignKeyName: "postings_repost_of_fkey";
            columns: ["repost_of"];
            isOneToOne: false;
            referencedRelation: "postings";
            referencedColumns: ["id"];
          },
          {
            foreignKeyName: "postings_source_id_fkey";
            columns: ["source_id"];
            isOneToOne: false;
            referencedRelation: "portal_status_v";
            referencedColumns: ["source_id"];
          },
          {
            foreignKeyName: "postings_source_id_fkey";
            columns: ["source_id"];
            isOneToOne: false;
            referencedRelation: "slo_status_v";
            referencedColumns: ["source_id"];
          },
          {
            foreignKeyName: "postings_source_id_fkey";
            columns: ["source_id"];
            isOneToOne: false;
            referencedRelation: "source_comparison_v";
            referencedColumns: ["source_id"];
          },
          {
            foreignKeyName: "postings_source_id_fkey";
            columns: ["source_id"];
            isOneToOne: false;
            referencedRelation: "sources";
            referencedColumns: ["id"];
          },
        ];
      };
      "schedule_runs": {
        Row: {
          "delivered_at": string | null;
          "dispatch_id": number | null;
          "dispatched_via": string | null;
          "fired_at": string;
          "local_date": string;
          "schedule": string;
        };
        ComputedFields: never;
        Insert: {
          "delivered_at"?: string | null;
          "dispatch_id"?: number | null;
          "dispatched_via"?: string | null;
          "fired_at"?: string;
          "local_date": string;
          "schedule": string;
        };
        Update: {
          "delivered_at"?: string | null;
          "dispatch_id"?: number | null;
          "dispatched_via"?: string | null;
          "fired_at"?: string;
          "local_date"?: string;
          "schedule"?: string;
        };
        Relationships: [
          {
            foreignKeyName: "schedule_runs_dispatch_id_fkey";
            columns: ["dispatch_id"];
            isOneToOne: false;
            referencedRelation: "dispatches";
            referencedColumns: ["id"];
          },
        ];
      };
      "scores": {
        Row: {
          "avg_candidate_signal": number | null;
          "avg_lifespan_days": number | null;
          "avg_survey_rating": number | null;
          "candidate_score": number | null;
          "candidate_signals": number;
          "candidate_weight": number | null;
          "computed_at": string;
          "id": number;
          "lifespan_postings": number;
          "lifespan_score": number | null;
          "lifespan_weight": number | null;
          "new_postings": number;
          "repost_score": number | null;
          "repost_weight": number | null;
          "reposts": number;
          "score": number | null;
          "score_date": string;
          "source_id": number;
          "survey_responses": number;
          "survey_score": number | null;
          "survey_weight": number | null;
        };
        ComputedFields: never;
        Insert: {
          "avg_candidate_signal"?: number | null;
          "avg_lifespan_days"?: number | null;
          "avg_survey_rating"?: number | null;
          "candidate_score"?: number | null;
          "candidate_signals"?: number;
          "candidate_weight"?: number | null;
          "computed_at"?: string;
          "id"?: never;
          "lifespan_postings"?: number;
          "lifespan_score"?: number | null;
          "lifespan_weight"?: number | null;
          "new_postings"?: number;
          "repost_score"?: number | null;
          "repost_weight"?: number | null;
          "reposts"?: number;
          "score"?: number | null;
          "score_date": string;
          "source_id": number;
          "survey_responses"?: number;
          "survey_score"?: number | null;
          "survey_weight"?: number | null;
        };
        Update: {
          "avg_candidate_signal"?: number | null;
          "avg_lifespan_days"?: number | null;
          "avg_survey_rating"?: number | null;
          "candidate_score"?: number | null;
          "candidate_signals"?: number;
          "candidate_weight"?: number | null;
          "computed_at"?: string;
          "id"?: never;
          "lifespan_postings"?: number;
          "lifespan_score"?: number | null;
          "lifespan_weight"?: number | null;
          "new_postings"?: number;
          "repost_score"?: number | null;
          "repost_weight"?: number | null;
          "reposts"?: number;
          "score"?: number | null;
          "score_date"?: string;
          "source_id"?: number;
          "survey_responses"?: number;
          "survey_score"?: number | null;
          "survey_weight"?: number | null;
        };
        Relationships: [
          {
            foreignKeyName: "scores_source_id_fkey";
            columns: ["source_id"];
            isOneToOne: false;
            referencedRelation: "portal_status_v";
            referencedColumns: ["source_id"];
          },
          {
            foreignKeyName: "scores_source_id_fkey";
            columns: ["source_id"];
            isOneToOne: false;
            referencedRelation: "slo_status_v";
            referencedColumns: ["source_id"];
          },
          {
            foreignKeyName: "scores_source_id_fkey";
            columns: ["source_id"];
            isOneToOne: false;
            referencedRelation: "source_comparison_v";
            referencedColumns: ["source_id"];
          },
          {
            foreignKeyName: "scores_source_id_fkey";
            columns: ["source_id"];
            isOneToOne: false;
            referencedRelation: "sources";
            referencedColumns: ["id"];
          },
        ];
      };
      "scrape_runs": {
        Row: {
          "avg_request_ms": number | null;
          "block_rate": number | null;
          "blocked_403": number;
          "blocked_429": number;
          "breaker_triggered": boolean;
          "breaker_trips": number;
          "captchas": number;
          "execution_time_sec": number;
          "failure_rate": number | null;
          "finished_at": string | null;
          "http_failures": number;
          "items_found": number;
          "items_new": number;
          "items_rejected": number;
          "items_updated": number;
          "job_id": number;
          "link_success_rate": number | null;
          "links_checked": number;
          "links_failed": number;
          "links_ok": number;
          "portal_stats": NonNullable<Json>;
          "reject_rate": number | null;
          "request_time_ms_total": number;
          "requests": number;
          "run_date": string;
          "source_id": number;
          "started_at": string;
          "status": string;
          "timeout_rate": number | null;
          "timeouts": number;
        };
        ComputedFields: never;
        Insert: {
          "avg_request_ms"?: never;
          "block_rate"?: never;
          "blocked_403"?: number;
          "blocked_429"?: number;
          "breaker_triggered"?: boolean;
          "breaker_trips"?: number;
          "captchas"?: number;
          "execution_time_sec"?: number;
          "failure_rate"?: never;
          "finished_at"?: string | null;
          "http_failures"?: number;
          "items_found"?: number;
          "items_new"?: number;
          "items_rejected"?: number;
          "items_updated"?: number;
          "job_id": number;
          "link_success_rate"?: never;
          "links_checked"?: number;
          "links_failed"?: number;
          "links_ok"?: number;
          "portal_stats"?: NonNullable<Json>;
          "reject_rate"?: never;
          "request_time_ms_total"?: number;
          "requests"?: number;
          "run_date": string;
          "source_id": number;
          "started_at"?: string;
          "status"?: string;
          "timeout_rate"?: never;
          "timeouts"?: number;
        };
        Update: {
          "avg_request_ms"?: never;
          "block_rate"?: never;
          "blocked_403"?: number;
          "blocked_429"?: number;
          "breaker_triggered"?: boolean;
          "breaker_trips"?: number;
          "captchas"?: number;
          "execution_time_sec"?: number;
          "failure_rate"?: never;
          "finished_at"?: string | null;
          "http_failures"?: number;
          "items_found"?: number;
          "items_new"?: number;
          "items_rejected"?: number;
          "items_updated"?: number;
          "job_id"?: number;
          "link_success_rate"?: never;
          "links_checked"?: number;
          "links_failed"?: number;
          "links_ok"?: number;
          "portal_stats"?: NonNullable<Json>;
          "reject_rate"?: never;
          "request_time_ms_total"?: number;
          "requests"?: number;
          "run_date"?: string;
          "source_id"?: number;
          "started_at"?: string;
          "status"?: string;
          "timeout_rate"?: never;
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
      "snapshots": {
        Row: {
          "active_count": number;
          "disappeared_count": number;
          "id": number;
          "new_count": number;
          "posting_count": number;
          "repost_count": number;
          "snapshot_date": string;
          "source_id": number;
          "taken_at": string;
          "with_description": number;
          "with_location": number;
          "with_posted_at": number;
          "with_title": number;
          "with_url": number;
        };
        ComputedFields: never;
        Insert: {
          "active_count": number;
          "disappeared_count": number;
          "id"?: never;
          "new_count": number;
          "posting_count": number;
          "repost_count": number;
          "snapshot_date": string;
          "source_id": number;
          "taken_at"?: string;
          "with_description"?: number;
          "with_location"?: number;
          "with_posted_at"?: number;
          "with_title"?: number;
          "with_url"?: number;
        };
        Update: {
          "active_count"?: number;
          "disappeared_count"?: number;
          "id"?: never;
          "new_count"?: number;
          "posting_count"?: number;
          "repost_count"?: number;
          "snapshot_date"?: string;
          "source_id"?: number;
          "taken_at"?: string;
          "with_description"?: number;
          "with_location"?: number;
          "with_posted_at"?: number;
          "with_title"?: number;
          "with_url"?: number;
        };
        Relationships: [
          {
            foreignKeyName: "snapshots_source_id_fkey";
            columns: ["source_id"];
            isOneToOne: false;
            referencedRelation: "portal_status_v";
            referencedColumns: ["source_id"];
          },
          {
            foreignKeyName: "snapshots_source_id_fkey";
            columns: ["source_id"];
            isOneToOne: false;
            referencedRelation: "slo_status_v";
            referencedColumns: ["source_id"];
          },
          {
            foreignKeyName: "snapshots_source_id_fkey";
            columns: ["source_id"];
            isOneToOne: false;
            referencedRelation: "source_comparison_v";
            referencedColumns: ["source_id"];
          },
          {
            foreignKeyName: "snapshots_source_id_fkey";
            columns: ["source_id"];
            isOneToOne: false;
            referencedRelation: "sources";
            referencedColumns: ["id"];
          },
        ];
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
          "breaker_failures": number;
          "breaker_opened_at": string | null;
          "breaker_probe_at": string | null;
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
          "max_retries": number;
          "owner": string | null;
          "rate_limit_seconds": number;
          "request_timeout_seconds": number;
          "slo_alert_success_rate": number;
          "slo_avg_duration_seconds": number;
          "slo_success_rate": number;
          "tags": (string)[];
          "updated_at": string;
        };
        ComputedFields: never;
        Insert: {
          "active"?: boolean;
          "adapter": string;
          "adapter_config"?: NonNullable<Json>;
          "breaker_cooldown_seconds"?: number;
          "breaker_enabled"?: boolean;
          "breaker_failures"?: number;
          "breaker_opened_at"?: string | null;
          "breaker_probe_at"?: string | null;
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
          "max_retries"?: number;
          "owner"?: string | null;
          "rate_limit_seconds"?: number;
          "request_timeout_seconds"?: number;
          "slo_alert_success_rate"?: number;
          "slo_avg_duration_seconds"?: number;
          "slo_success_rate"?: number;
          "tags"?: (string)[];
          "updated_at"?: string;
        };
        Update: {
          "active"?: boolean;
          "adapter"?: string;
          "adapter_config"?: NonNullable<Json>;
          "breaker_cooldown_seconds"?: number;
          "breaker_enabled"?: boolean;
          "breaker_failures"?: number;
          "breaker_opened_at"?: string | null;
          "breaker_probe_at"?: string | null;
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
          "max_retries"?: number;
          "owner"?: string | null;
          "rate_limit_seconds"?: number;
          "request_timeout_seconds"?: number;
          "slo_alert_success_rate"?: number;
          "slo_avg_duration_seconds"?: number;
          "slo_success_rate"?: number;
          "tags"?: (string)[];
          "updated_at"?: string;
        };
        Relationships: [];
      };
      "survey_responses": {
        Row: {
          "comment": string | null;
          "created_at": string;
          "id": number;
          "rating": number;
          "respondent": string | null;
          "response_date": string;
          "source_id": number;
        };
        ComputedFields: never;
        Insert: {
          "comment"?: string | null;
          "created_at"?: string;
          "id"?: never;
          "rating": number;
          "respondent"?: string | null;
          "response_date": string;
          "source_id": number;
        };
        Update: {
          "comment"?: string | null;
          "created_at"?: string;
          "id"?: never;
          "rating"?: number;
          "respondent"?: string | null;
          "response_date"?: string;
          "source_id"?: number;
        };
        Relationships: [
          {
            foreignKeyName: "survey_responses_source_id_fkey";
            columns: ["source_id"];
            isOneToOne: false;
            referencedRelation: "portal_status_v";
            referencedColumns: ["source_id"];
          },
          {
            foreignKeyName: "survey_responses_source_id_fkey";
            columns: ["source_id"];
            isOneToOne: false;
            referencedRelation: "slo_status_v";
            referencedColumns: ["source_id"];
          },
          {
            foreignKeyName: "survey_responses_source_id_fkey";
            columns: ["source_id"];
            isOneToOne: false;
            referencedRelation: "source_comparison_v";
            referencedColumns: ["source_id"];
          },
          {
            foreignKeyName: "survey_responses_source_id_fkey";
            columns: ["source_id"];
            isOneToOne: false;
            referencedRelation: "sources";
            referencedColumns: ["id"];
          },
        ];
      };
    };
    Views: {
      "alerts_v": {
        Row: {
          "acknowledged_at": string | null;
          "acknowledged_by": string | null;
          "alert_id": string | null;
          "evaluated_date": string | null;
          "first_seen_at": string | null;
          "message": string | null;
          "rule": string | null;
          "severity": string | null;
          "severity_rank": number | null;
          "since": string | null;
          "snooze_until_change": boolean | null;
          "snoozed_until": string | null;
          "source_id": number | null;
          "source_key": string | null;
          "state": string | null;
          "threshold": number | null;
          "value": number | null;
        };
        ComputedFields: never;
        Relationships: [];
      };
      "daily_status_v": {
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
          "breaker_skips": number | null;
          "captchas_sum": number | null;
          "cause_category": string | null;
          "cause_job_id": number | null;
          "cause_message": string | null;
          "company_key": string | null;
          "display_name": string | null;
          "dq_fields": (string)[] | null;
          "drop_zscore": number | null;
          "execution_time_sec_best": number | null;
          "final_status": string | null;
          "first_date": string | null;
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
          "warnings": (string)[] | null;
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
          "breaker_skips": number | null;
          "captchas_sum": number | null;
          "cause_category": string | null;
          "cause_job_id": number | null;
          "cause_message": string | null;
          "change_vs_yesterday": string | null;
          "company_key": string | null;
          "display_name": string | null;
          "dq_fields": (string)[] | null;
          "drop_zscore": number | null;
          "execution_time_sec_best": number | null;
          "final_status": string | null;
          "first_date": string | null;
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
          "last_success_date": string | null;
          "problem_reasons": (string)[] | null;
          "problem_since": string | null;
          "relative_drop": number | null;
          "requests_sum": number | null;
          "root_cause_category": string | null;
          "root_cause_first_seen": string | null;
          "root_cause_job_id": number | null;
          "root_cause_last_seen": string | null;
          "root_cause_message": string | null;
          "root_cause_through_breaker": boolean | null;
          "run_date": string | null;
          "runs_completed": number | null;
          "runs_failed": number | null;
          "runs_partial": number | null;
          "runs_total": number | null;
          "source_id": number | null;
          "timeout_rate": number | null;
          "timeouts_sum": number | null;
          "warnings": (string)[] | null;
        };
        ComputedFields: never;
        Relationships: [];
      };
      "data_quality_v": {
        Row: {
          "baseline_days": number | null;
          "baseline_share": number | null;
          "field": string | null;
          "is_drop": boolean | null;
          "posting_count": number;
          "run_date": string;
          "share": number | null;
          "source_id": number;
          "source_key": string;
          "with_field": number | null;
        };
        ComputedFields: never;
        Relationships: [
          {
            foreignKeyName: "snapshots_source_id_fkey";
            columns: ["source_id"];
            isOneToOne: false;
            referencedRelation: "portal_status_v";
            referencedColumns: ["source_id"];
          },
          {
            foreignKeyName: "snapshots_source_id_fkey";
            columns: ["source_id"];
            isOneToOne: false;
            referencedRelation: "slo_status_v";
            referencedColumns: ["source_id"];
          },
          {
            foreignKeyName: "snapshots_source_id_fkey";
            columns: ["source_id"];
            isOneToOne: false;
            referencedRelation: "source_comparison_v";
            referencedColumns: ["source_id"];
          },
          {
            foreignKeyName: "snapshots_source_id_fkey";
            columns: ["source_id"];
            isOneToOne: false;
            referencedRelation: "sources";
            referencedColumns: ["id"];
          },
        ];
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
      "posting_lifespans_v": {
        Row: {
          "active": boolean;
          "cluster_id": number | null;
          "external_id": string;
          "first_seen_date": string;
          "inactive_since_date": string | null;
          "last_seen_date": string;
          "lifespan_days": number | null;
          "lifespan_end_date": string | null;
          "posting_id": number;
          "repost_of": number | null;
          "source_id": number;
          "title": string;
        };
        ComputedFields: never;
        Insert: {
          "active"?: boolean | null;
          "cluster_id"?: number | null;
          "external_id"?: string | null;
          "first_seen_date"?: string | null;
          "inactive_since_date"?: string | null;
          "last_seen_date"?: string | null;
          "lifespan_days"?: never;
          "lifespan_end_date"?: never;
          "posting_id"?: number | null;
          "repost_of"?: number | null;
          "source_id"?: number | null;
          "title"?: string | null;
        };
        Update: {
          "active"?: boolean | null;
          "cluster_id"?: number | null;
          "external_id"?: string | null;
          "first_seen_date"?: string | null;
          "inactive_since_date"?: string | null;
          "last_seen_date"?: string | null;
          "lifespan_days"?: never;
          "lifespan_end_date"?: never;
          "posting_id"?: number | null;
          "repost_of"?: number | null;
          "source_id"?: number | null;
          "title"?: string | null;
        };
        Relationships: [
          {
            foreignKeyName: "postings_cluster_id_fkey";
            columns: ["cluster_id"];
            isOneToOne: false;
            referencedRelation: "posting_lifespans_v";
            referencedColumns: ["posting_id"];
          },
          {
            foreignKeyName: "postings_cluster_id_fkey";
            columns: ["cluster_id"];
            isOneToOne: false;
            referencedRelation: "postings";
            referencedColumns: ["id"];
          },
          {
            foreignKeyName: "postings_repost_of_fkey";
            columns: ["repost_of"];
            isOneToOne: false;
            referencedRelation: "posting_lifespans_v";
            referencedColumns: ["posting_id"];
          },
          {
            foreignKeyName: "postings_repost_of_fkey";
            columns: ["repost_of"];
            isOneToOne: false;
            referencedRelation: "postings";
            referencedColumns: ["id"];
          },
          {
            foreignKeyName: "postings_source_id_fkey";
            columns: ["source_id"];
            isOneToOne: false;
            referencedRelation: "portal_status_v";
            referencedColumns: ["source_id"];
          },
          {
            foreignKeyName: "postings_source_id_fkey";
            columns: ["source_id"];
            isOneToOne: false;
            referencedRelation: "slo_status_v";
            referencedColumns: ["source_id"];
          },
          {
            foreignKeyName: "postings_source_id_fkey";
            columns: ["source_id"];
            isOneToOne: false;
            referencedRelation: "source_comparison_v";
            referencedColumns: ["source_id"];
          },
          {
            foreignKeyName: "postings_source_id_fkey";
            columns: ["source_id"];
            isOneToOne: false;
            referencedRelation: "sources";
            referencedColumns: ["id"];
          },
        ];
      };
      "scrape_last_24h_v": {
        Row: {
          "avg_request_ms": number | null;
          "block_rate": number | null;
          "completed": number | null;
          "fail_rate": number | null;
          "failed": number | null;
          "items_found": number | null;
          "partial": number | null;
          "requests": number | null;
          "runs": number | null;
          "timeout_rate": number | null;
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
      "acknowledge_alert": { Args: { "p_alert_id": string }; Returns: Json };
      "add_scrape_metrics": {
        Args: { "p_job_id": number; "p_metrics": Json };
        Returns: {
          "avg_request_ms": number | null;
          "block_rate": number | null;
          "blocked_403": number;
          "blocked_429": number;
          "breaker_triggered": boolean;
          "breaker_trips": number;
          "captchas": number;
          "execution_time_sec": number;
          "failure_rate": number | null;
          "finished_at": string | null;
          "http_failures": number;
          "items_found": number;
          "items_new": number;
          "items_rejected": number;
          "items_updated": number;
          "job_id": number;
          "link_success_rate": number | null;
          "links_checked": number;
          "links_failed": number;
          "links_ok": number;
          "portal_stats": NonNullable<Json>;
          "reject_rate": number | null;
          "request_time_ms_total": number;
          "requests": number;
          "run_date": string;
          "source_id": number;
          "started_at": string;
          "status": string;
          "timeout_rate": number | null;
          "timeouts": number;
        };
        SetofOptions: {
          from: "*";
          to: "scrape_runs";
          isOneToOne: true;
          isSetofReturn: false;
        };
      };
      "alert_list": { Args: { "p_state"?: string }; Returns: Json };
      "append_logs": {
        Args: { "p_job_id": number; "p_lines": Json };
        Returns: {
          "first_id": number;
          "inserted": number;
          "last_id": number;
        }[];
      };
      "claim": {
        Args: { "p_limit"?: number; "p_types"?: (string)[]; "p_worker": string };
        Returns: {
          "attempt": number;
          "cancel_requested": boolean;
          "claimed_at": string | null;
          "created_at": string;
          "created_by": string | null;
          "cursor": Json | null;
          "error": string | null;
          "error_category": string | null;
          "finish_digest": string | null;
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
        }[];
        SetofOptions: {
          from: "*";
          to: "jobs";
          isOneToOne: false;
          isSetofReturn: true;
        };
      };
      "claim_notifications": {
        Args: { "p_limit"?: number };
        Returns: {
          "attempts": number;
          "channel_kind": string;
          "channel_name": string;
          "endpoint_url": string;
          "id": number;
          "idempotency_key": string;
          "kind": string;
          "payload": Json;
          "recipients": (string)[];
          "secret_name": string;
          "sender": string;
        }[];
      };
      "classify_error": {
        Args: { "p_http_status": number; "p_message": string };
        Returns: {
          "category": string;
          "severity": string;
        }[];
      };
      "compute_scores": { Args: { "score_date"?: string; "source_id"?: number }; Returns: Json };
      "continue_later": {
        Args: {
          "p_cursor": Json;
          "p_delay_seconds"?: number;
          "p_job_id": number;
          "p_metrics"?: Json;
          "p_worker"?: string;
        };
        Returns: {
          "attempt": number;
          "cancel_requested": boolean;
          "claimed_at": string | null;
          "created_at": string;
          "created_by": string | null;
          "cursor": Json | null;
          "error": string | null;
          "error_category": string | null;
          "finish_digest": string | null;
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
        SetofOptions: {
          from: "*";
          to: "jobs";
          isOneToOne: true;
          isSetofReturn: false;
        };
      };
      "deactivate_missing_postings": { Args: { "job_id": number }; Returns: Json };
      "detect_reposts": {
        Args: { "full_scan"?: boolean; "source_id"?: number; "window_days"?: number };
        Returns: Json;
      };
      "digest": {
        Args: { "p_date"?: string; "p_owners"?: (string)[]; "p_tags"?: (string)[] };
        Returns: Json;
      };
      "dispatch": { Args: { "body"?: Json; "function_name": string }; Returns: string };
      "enqueue": {
        Args: {
          "p_created_by"?: string;
          "p_idempotency_key"?: string;
          "p_max_attempts"?: number;
          "p_params"?: Json;
          "p_parent_id"?: number;
          "p_priority"?: number;
          "p_run_after"?: string;
          "p_run_date"?: string;
          "p_source_id"?: number;
          "p_type": string;
        };
        Returns: {
          "attempt": number;
          "cancel_requested": boolean;
          "claimed_at": string | null;
          "created_at": string;
          "created_by": string | null;
          "cursor": Json | null;
          "error": string | null;
          "error_category": string | null;
          "finish_digest": string | null;
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
        SetofOptions: {
          from: "*";
          to: "jobs";
          isOneToOne: true;
          isSetofReturn: false;
        };
      };
      "error_fingerprint": { Args: { "p_category": string; "p_message": string }; Returns: string };
      "finish": {
        Args: {
          "p_error"?: string;
          "p_error_category"?: string;
          "p_job_id": number;
          "p_metrics"?: Json;
          "p_result"?: Json;
          "p_status": string;
          "p_worker"?: string;
        };
        Returns: Json;
      };
      "fire_schedule": {
        Args: {
          "body"?: Json;
          "function_name": string;
          "local_time": string;
          "schedule": string;
          "tick"?: string;
        };
        Returns: boolean;
      };
      "heartbeat": {
        Args: {
          "p_cursor"?: Json;
          "p_job_id": number;
          "p_metrics"?: Json;
          "p_progress_done"?: number;
          "p_progress_total"?: number;
          "p_worker"?: string;
        };
        Returns: {
          "cancel_requested": boolean;
          "owned": boolean;
          "status": string;
        }[];
      };
      "idempotency_begin": {
        Args: { "p_key": string; "p_request_hash": string; "p_route": string };
        Returns: {
          "response": Json;
          "state": string;
          "status_code": number;
        }[];
      };
      "idempotency_complete": {
        Args: { "p_key": string; "p_response": Json; "p_status_code": number };
        Returns: undefined;
      };
      "job_answer": { Args: { "p_job_id": number }; Returns: Json };
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
      "mirror_date_range": { Args: { "p_days"?: number }; Returns: Record<string, unknown> };
      "mirror_export_finish": {
        Args: {
          "p_error"?: string;
          "p_rows_read": number;
          "p_rows_upserted": number;
          "p_run_id": number;
          "p_status": string;
          "p_watermark"?: string;
        };
        Returns: {
          "date_from": string;
          "date_to": string;
          "duration_ms": number | null;
          "error": string | null;
          "finished_at": string | null;
          "id": number;
          "job_id": number | null;
          "rows_read": number;
          "rows_upserted": number;
          "started_at": string;
          "status": string;
          "target": string;
          "trigger": string;
          "watermark": string | null;
        };
        SetofOptions: {
          from: "*";
          to: "mirror_runs";
          isOneToOne: true;
          isSetofReturn: false;
        };
      };
      "mirror_export_start": {
        Args: { "p_days"?: number; "p_job_id"?: number; "p_target": string; "p_trigger"?: string };
        Returns: {
          "date_from": string;
          "date_to": string;
          "duration_ms": number | null;
          "error": string | null;
          "finished_at": string | null;
          "id": number;
          "job_id": number | null;
          "rows_read": number;
          "rows_upserted": number;
          "started_at": string;
          "status": string;
          "target": string;
          "trigger": string;
          "watermark": string | null;
        };
        SetofOptions: {
          from: "*";
          to: "mirror_runs";
          isOneToOne: true;
          isSetofReturn: false;
        };
      };
      "normalize_error_message": { Args: { "p_message": string }; Returns: string };
      "notification_secret": { Args: { "p_name": string }; Returns: string };
      "plan_notifications": { Args: Record<PropertyKey, never>; Returns: Json };
      "purge_cron_history": { Args: { "keep"?: string }; Returns: number };
      "purge_retention": { Args: { "p_batch_size"?: number; "p_max_batches"?: number }; Returns: Json };
      "record_errors": {
        Args: { "p_errors": Json; "p_job_id": number };
        Returns: {
          "category": string;
          "count": number;
          "error_id": number;
          "fingerprint": string;
          "severity": string;
        }[];
      };
      "record_notification": {
        Args: { "p_error"?: string; "p_id": number; "p_status_code": number };
        Returns: Json;
      };
      "report_finish": {
        Args: {
          "p_error"?: string;
          "p_error_category"?: string;
          "p_job_id": number;
          "p_result"?: Json;
          "p_status": string;
          "p_totals"?: Json;
        };
        Returns: Json;
      };
      "report_heartbeat": {
        Args: {
          "p_cursor"?: Json;
          "p_job_id": number;
          "p_progress_done"?: number;
          "p_progress_total"?: number;
          "p_totals"?: Json;
        };
        Returns: {
          "cancel_requested": boolean;
          "owned": boolean;
          "status": string;
        }[];
      };
      "report_run": { Args: { "p_job_id": number }; Returns: Json };
      "report_start": {
        Args: {
          "p_created_by"?: string;
          "p_params"?: Json;
          "p_parent_id"?: number;
          "p_run_date"?: string;
          "p_source_key"?: string;
          "p_type"?: string;
          "p_worker": string;
        };
        Returns: Json;
      };
      "request_cancel": {
        Args: { "p_job_id": number; "p_reason"?: string };
        Returns: {
          "attempt": number;
          "cancel_requested": boolean;
          "claimed_at": string | null;
          "created_at": string;
          "created_by": string | null;
          "cursor": Json | null;
          "error": string | null;
          "error_category": string | null;
          "finish_digest": string | null;
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
        SetofOptions: {
          from: "*";
          to: "jobs";
          isOneToOne: true;
          isSetofReturn: false;
        };
      };
      "reset_breaker": { Args: { "portal_key": string }; Returns: Json };
      "run_phase_job": { Args: { "p_job_id": number }; Returns: Json };
      "save_breaker_state": {
        Args: {
          "p_failures": number;
          "p_opened_at"?: string;
          "p_probe_at"?: string;
          "p_source_id": number;
          "p_state": string;
        };
        Returns: Record<string, unknown>;
      };
      "scrape_source_state": { Args: { "p_source_id": number }; Returns: Record<string, unknown> };
      "set_portal_active": { Args: { "is_active": boolean; "portal_key": string }; Returns: Json };
      "set_rate_limit": { Args: { "portal_key": string; "seconds": number }; Returns: Json };
      "snapshot_postings": {
        Args: { "snapshot_date": string; "source_id": number };
        Returns: {
          "external_id": string;
          "id": number;
          "location": string;
          "title": string;
          "url": string;
        }[];
      };
      "snooze_alert": {
        Args: { "p_alert_id": string; "p_until"?: string; "p_until_change"?: boolean };
        Returns: Json;
      };
      "start_job": {
        Args: {
          "p_created_by"?: string;
          "p_idempotency_key"?: string;
          "p_params"?: Json;
          "p_parent_id"?: number;
          "p_run_date"?: string;
          "p_source_id"?: number;
          "p_type": string;
          "p_worker": string;
        };
        Returns: {
          "attempt": number;
          "cancel_requested": boolean;
          "claimed_at": string | null;
          "created_at": string;
          "created_by": string | null;
          "cursor": Json | null;
          "error": string | null;
          "error_category": string | null;
          "finish_digest": string | null;
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
        SetofOptions: {
          from: "*";
          to: "jobs";
          isOneToOne: true;
          isSetofReturn: false;
        };
      };
      "start_manual_job": {
        Args: { "p_params"?: Json; "p_type": string };
        Returns: {
          "attempt": number;
          "cancel_requested": boolean;
          "claimed_at": string | null;
          "created_at": string;
          "created_by": string | null;
          "cursor": Json | null;
          "error": string | null;
          "error_category": string | null;
          "finish_digest": string | null;
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
        SetofOptions: {
          from: "*";
          to: "jobs";
          isOneToOne: true;
          isSetofReturn: false;
        };
      };
      "start_pipeline": {
        Args: {
          "p_created_by"?: string;
          "p_run_date"?: string;
          "p_source_keys"?: (string)[];
          "p_trigger"?: string;
        };
        Returns: Json;
      };
      "start_scrape_run": {
        Args: { "p_job_id": number };
        Returns: {
          "avg_request_ms": number | null;
          "block_rate": number | null;
          "blocked_403": number;
          "blocked_429": number;
          "breaker_triggered": boolean;
          "breaker_trips": number;
          "captchas": number;
          "execution_time_sec": number;
          "failure_rate": number | null;
          "finished_at": string | null;
          "http_failures": number;
          "items_found": number;
          "items_new": number;
          "items_rejected": number;
          "items_updated": number;
          "job_id": number;
          "link_success_rate": number | null;
          "links_checked": number;
          "links_failed": number;
          "links_ok": number;
          "portal_stats": NonNullable<Json>;
          "reject_rate": number | null;
          "request_time_ms_total": number;
          "requests": number;
          "run_date": string;
          "source_id": number;
          "started_at": string;
          "status": string;
          "timeout_rate": number | null;
          "timeouts": number;
        };
        SetofOptions: {
          from: "*";
          to: "scrape_runs";
          isOneToOne: true;
          isSetofReturn: false;
        };
      };
      "sweep": { Args: { "p_limit"?: number }; Returns: Json };
      "sweep_and_wake": { Args: Record<PropertyKey, never>; Returns: Json };
      "sync_alerts": { Args: Record<PropertyKey, never>; Returns: Json };
      "take_snapshot": {
        Args: { "snapshot_date"?: string; "source_id": number };
        Returns: {
          "active_count": number;
          "disappeared_count": number;
          "id": number;
          "new_count": number;
          "posting_count": number;
          "repost_count": number;
          "snapshot_date": string;
          "source_id": number;
          "taken_at": string;
          "with_description": number;
          "with_location": number;
          "with_posted_at": number;
          "with_title": number;
          "with_url": number;
        }[];
        SetofOptions: {
          from: "*";
          to: "snapshots";
          isOneToOne: false;
          isSetofReturn: true;
        };
      };
      "upsert_postings": { Args: { "job_id": number; "postings": Json }; Returns: Json };
      "upsert_source": {
        Args: {
          "p_adapter": string;
          "p_adapter_config": Json;
          "p_display_name": string;
          "p_key": string;
          "p_options"?: Json;
        };
        Returns: {
          "active": boolean;
          "adapter": string;
          "adapter_config": NonNullable<Json>;
          "breaker_cooldown_seconds": number;
          "breaker_enabled": boolean;
          "breaker_failures": number;
          "breaker_opened_at": string | null;
          "breaker_probe_at": string | null;
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
          "max_retries": number;
          "owner": string | null;
          "rate_limit_seconds": number;
          "request_timeout_seconds": number;
          "slo_alert_success_rate": number;
          "slo_avg_duration_seconds": number;
          "slo_success_rate": number;
          "tags": (string)[];
          "updated_at": string;
        };
        SetofOptions: {
          from: "*";
          to: "sources";
          isOneToOne: true;
          isSetofReturn: false;
        };
      };
      "wake": { Args: { "p_trigger"?: string; "p_worker"?: string }; Returns: number };
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
