export type Json = string | number | boolean | null | { [key: string]: Json | undefined } | Json[];

export type Database = {
  "ops": {
    Tables: {
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
            foreignKeyName: "jobs_root_id_fkey";
            columns: ["root_id"];
            isOneToOne: false;
            referencedRelation: "jobs";
            referencedColumns: ["id"];
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
      "postings": {
        Row: {
          "active": boolean;
          "cluster_id": number | null;
          "content_hash": string;
          "created_at": string;
          "department": string | null;
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
          "normalized_location": string;
          "normalized_title": string;
          "raw": NonNullable<Json>;
          "repost_of": number | null;
          "repost_origin_pending": boolean;
          "repost_pending": boolean;
          "source_id": number;
          "title": string;
          "updated_at": string;
          "url": string | null;
          "url_key": string | null;
        };
        ComputedFields: never;
        Insert: {
          "active"?: boolean;
          "cluster_id"?: number | null;
          "content_hash": string;
          "created_at"?: string;
          "department"?: string | null;
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
          "normalized_location"?: string;
          "normalized_title": string;
          "raw"?: NonNullable<Json>;
          "repost_of"?: number | null;
          "repost_origin_pending"?: boolean;
          "repost_pending"?: boolean;
          "source_id": number;
          "title": string;
          "updated_at"?: string;
          "url"?: string | null;
          "url_key"?: never;
        };
        Update: {
          "active"?: boolean;
          "cluster_id"?: number | null;
          "content_hash"?: string;
          "created_at"?: string;
          "department"?: string | null;
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
          "normalized_location"?: string;
          "normalized_title"?: string;
          "raw"?: NonNullable<Json>;
          "repost_of"?: number | null;
          "repost_origin_pending"?: boolean;
          "repost_pending"?: boolean;
          "source_id"?: number;
          "title"?: string;
          "updated_at"?: string;
          "url"?: string | null;
          "url_key"?: never;
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
            referencedRelation: "sources";
            referencedColumns: ["id"];
          },
        ];
      };
      "schedule_runs": {
        Row: {
          "dispatched_via": string | null;
          "fired_at": string;
          "local_date": string;
          "schedule": string;
        };
        ComputedFields: never;
        Insert: {
          "dispatched_via"?: string | null;
          "fired_at"?: string;
          "local_date": string;
          "schedule": string;
        };
        Update: {
          "dispatched_via"?: string | null;
          "fired_at"?: string;
          "local_date"?: string;
          "schedule"?: string;
        };
        Relationships: [];
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
          "postings": NonNullable<Json>;
          "repost_count": number;
          "snapshot_date": string;
          "source_id": number;
          "taken_at": string;
        };
        ComputedFields: never;
        Insert: {
          "active_count": number;
          "disappeared_count": number;
          "id"?: never;
          "new_count": number;
          "posting_count": number;
          "postings"?: NonNullable<Json>;
          "repost_count": number;
          "snapshot_date": string;
          "source_id": number;
          "taken_at"?: string;
        };
        Update: {
          "active_count"?: number;
          "disappeared_count"?: number;
          "id"?: never;
          "new_count"?: number;
          "posting_count"?: number;
          "postings"?: NonNullable<Json>;
          "repost_count"?: number;
          "snapshot_date"?: string;
          "source_id"?: number;
          "taken_at"?: string;
        };
        Relationships: [
          {
            foreignKeyName: "snapshots_source_id_fkey";
            columns: ["source_id"];
            isOneToOne: false;
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
          "rate_limit_seconds": number;
          "request_timeout_seconds": number;
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
          "rate_limit_seconds"?: number;
          "request_timeout_seconds"?: number;
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
          "rate_limit_seconds"?: number;
          "request_timeout_seconds"?: number;
          "slo_alert_success_rate"?: number;
          "slo_avg_duration_seconds"?: number;
          "slo_success_rate"?: number;
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
            referencedRelation: "sources";
            referencedColumns: ["id"];
          },
        ];
      };
    };
    Views: {
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
            referencedRelation: "sources";
            referencedColumns: ["id"];
          },
        ];
      };
    };
    Functions: {
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
      "normalize_error_message": { Args: { "p_message": string }; Returns: string };
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
      "take_snapshot": {
        Args: { "snapshot_date"?: string; "source_id": number };
        Returns: {
          "active_count": number;
          "disappeared_count": number;
          "id": number;
          "new_count": number;
          "posting_count": number;
          "postings": NonNullable<Json>;
          "repost_count": number;
          "snapshot_date": string;
          "source_id": number;
          "taken_at": string;
        }[];
        SetofOptions: {
          from: "*";
          to: "snapshots";
          isOneToOne: false;
          isSetofReturn: true;
        };
      };
      "upsert_postings": { Args: { "job_id": number; "postings": Json }; Returns: Json };
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
} as const;
