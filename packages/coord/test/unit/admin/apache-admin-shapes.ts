/**
 * JSON shapes of Apache ZooKeeper 3.8.0's AdminServer (Debian package, standalone, captured from
 * `GET /commands/<name>` with one client holding an ephemeral node and data/child watches).
 * Leaves are JSON types; arrays show their element shape ([] = empty in the capture); maps keyed
 * by session id or path are 'object'. `monitor` lists its keys separately (MONITOR_KEYS).
 */
export type Shape = string | readonly Shape[] | { readonly [key: string]: Shape };

export const APACHE_ADMIN_SHAPES: Readonly<Record<string, Shape>> = {
  "configuration": {
    "client_port": "number",
    "data_dir": "string",
    "data_log_dir": "string",
    "tick_time": "number",
    "max_client_cnxns": "number",
    "min_session_timeout": "number",
    "max_session_timeout": "number",
    "server_id": "number",
    "client_port_listen_backlog": "number",
    "command": "string",
    "error": "null"
  },
  "connection_stat_reset": {
    "command": "string",
    "error": "null"
  },
  "connections": {
    "connections": [
      {
        "remote_socket_address": "string",
        "interest_ops": "number",
        "outstanding_requests": "number",
        "packets_received": "number",
        "packets_sent": "number",
        "session_id": "number",
        "last_operation": "string",
        "established": "number",
        "session_timeout": "number",
        "last_cxid": "number",
        "last_zxid": "number",
        "last_response_time": "number",
        "last_latency": "number",
        "min_latency": "number",
        "avg_latency": "number",
        "max_latency": "number"
      }
    ],
    "secure_connections": [],
    "command": "string",
    "error": "null"
  },
  "dirs": {
    "datadir_size": "number",
    "logdir_size": "number",
    "command": "string",
    "error": "null"
  },
  "dump": {
    "expiry_time_to_session_ids": "object",
    "session_id_to_ephemeral_paths": "object",
    "command": "string",
    "error": "null"
  },
  "environment": {
    "zookeeper.version": "string",
    "host.name": "string",
    "java.version": "string",
    "java.vendor": "string",
    "java.home": "string",
    "java.class.path": "string",
    "java.library.path": "string",
    "java.io.tmpdir": "string",
    "java.compiler": "string",
    "os.name": "string",
    "os.arch": "string",
    "os.version": "string",
    "user.name": "string",
    "user.home": "string",
    "user.dir": "string",
    "os.memory.free": "string",
    "os.memory.max": "string",
    "os.memory.total": "string",
    "command": "string",
    "error": "null"
  },
  "get_trace_mask": {
    "tracemask": "number",
    "command": "string",
    "error": "null"
  },
  "hash": {
    "digests": [],
    "command": "string",
    "error": "null"
  },
  "initial_configuration": {
    "initial_configuration": "string",
    "command": "string",
    "error": "null"
  },
  "is_read_only": {
    "read_only": "boolean",
    "command": "string",
    "error": "null"
  },
  "last_snapshot": {
    "zxid": "string",
    "timestamp": "number",
    "command": "string",
    "error": "null"
  },
  "leader": {
    "error": "string",
    "command": "string"
  },
  "monitor": {
    "command": "string",
    "error": "null"
  },
  "observer_connection_stat_reset": {
    "command": "string",
    "error": "null"
  },
  "observers": {
    "synced_observers": "number",
    "observers": [],
    "command": "string",
    "error": "null"
  },
  "ruok": {
    "command": "string",
    "error": "null"
  },
  "server_stats": {
    "version": "string",
    "read_only": "boolean",
    "server_stats": {
      "packets_sent": "number",
      "packets_received": "number",
      "fsync_threshold_exceed_count": "number",
      "client_response_stats": {
        "last_buffer_size": "number",
        "min_buffer_size": "number",
        "max_buffer_size": "number"
      },
      "data_dir_size": "number",
      "log_dir_size": "number",
      "provider_null": "boolean",
      "server_state": "string",
      "last_processed_zxid": "number",
      "outstanding_requests": "number",
      "avg_latency": "number",
      "max_latency": "number",
      "min_latency": "number",
      "num_alive_client_connections": "number",
      "uptime": "number",
      "auth_failed_count": "number",
      "non_mtlsremote_conn_count": "number",
      "non_mtlslocal_conn_count": "number"
    },
    "client_response": {
      "last_buffer_size": "number",
      "min_buffer_size": "number",
      "max_buffer_size": "number"
    },
    "node_count": "number",
    "command": "string",
    "error": "null"
  },
  "set_trace_mask": {
    "error": "string",
    "command": "string"
  },
  "stat_reset": {
    "command": "string",
    "error": "null"
  },
  "stats": {
    "version": "string",
    "read_only": "boolean",
    "server_stats": {
      "packets_sent": "number",
      "packets_received": "number",
      "fsync_threshold_exceed_count": "number",
      "client_response_stats": {
        "last_buffer_size": "number",
        "min_buffer_size": "number",
        "max_buffer_size": "number"
      },
      "data_dir_size": "number",
      "log_dir_size": "number",
      "provider_null": "boolean",
      "server_state": "string",
      "last_processed_zxid": "number",
      "outstanding_requests": "number",
      "avg_latency": "number",
      "max_latency": "number",
      "min_latency": "number",
      "num_alive_client_connections": "number",
      "uptime": "number",
      "auth_failed_count": "number",
      "non_mtlsremote_conn_count": "number",
      "non_mtlslocal_conn_count": "number"
    },
    "client_response": {
      "last_buffer_size": "number",
      "min_buffer_size": "number",
      "max_buffer_size": "number"
    },
    "node_count": "number",
    "connections": [
      {
        "remote_socket_address": "string",
        "interest_ops": "number",
        "outstanding_requests": "number",
        "packets_received": "number",
        "packets_sent": "number"
      }
    ],
    "secure_connections": [],
    "command": "string",
    "error": "null"
  },
  "system_properties": {
    "command": "string",
    "error": "null"
  },
  "voting_view": {
    "current_config": {},
    "command": "string",
    "error": "null"
  },
  "watch_summary": {
    "num_connections": "number",
    "num_paths": "number",
    "num_total_watches": "number",
    "command": "string",
    "error": "null"
  },
  "watches": {
    "session_id_to_watched_paths": "object",
    "command": "string",
    "error": "null"
  },
  "watches_by_path": {
    "path_to_session_ids": "object",
    "command": "string",
    "error": "null"
  },
  "zabstate": {
    "voting": "boolean",
    "zabstate": "string",
    "command": "string",
    "error": "null"
  }
};

/** Every key of Apache 3.8.0's `GET /commands/monitor` (and mntr without `zk_`), in its order. */
export const APACHE_MONITOR_KEYS: readonly string[] = ["version", "server_state", "ephemerals_count", "num_alive_connections", "avg_latency", "outstanding_requests", "znode_count", "global_sessions", "non_mtls_remote_conn_count", "last_client_response_size", "packets_sent", "packets_received", "max_client_response_size", "connection_drop_probability", "watch_count", "auth_failed_count", "min_latency", "max_file_descriptor_count", "approximate_data_size", "open_file_descriptor_count", "local_sessions", "uptime", "max_latency", "outstanding_tls_handshake", "min_client_response_size", "non_mtls_local_conn_count", "proposal_count", "watch_bytes", "outstanding_changes_removed", "throttled_ops", "stale_requests_dropped", "large_requests_rejected", "insecure_admin_count", "connection_rejected", "cnxn_closed_without_zk_server_running", "sessionless_connections_expired", "looking_count", "dead_watchers_queued", "stale_requests", "connection_drop_count", "learner_proposal_received_count", "digest_mismatches_count", "dead_watchers_cleared", "response_packet_cache_hits", "bytes_received_count", "add_dead_watcher_stall_time", "request_throttle_wait_count", "requests_not_forwarded_to_commit_processor", "response_packet_cache_misses", "ensemble_auth_success", "prep_processor_request_queued", "learner_commit_received_count", "stale_replies", "connection_request_count", "response_bytes", "ensemble_auth_fail", "diff_count", "response_packet_get_children_cache_misses", "connection_revalidate_count", "quit_leading_due_to_disloyal_voter", "snap_count", "unrecoverable_error_count", "unsuccessful_handshake", "commit_count", "stale_sessions_expired", "response_packet_get_children_cache_hits", "sync_processor_request_queued", "outstanding_changes_queued", "request_commit_queued", "ensemble_auth_skip", "skip_learner_request_to_next_processor_count", "tls_handshake_exceeded", "revalidate_count", "avg_socket_closing_time", "min_socket_closing_time", "max_socket_closing_time", "cnt_socket_closing_time", "sum_socket_closing_time", "avg_proposal_process_time", "min_proposal_process_time", "max_proposal_process_time", "cnt_proposal_process_time", "sum_proposal_process_time", "avg_leader_unavailable_time", "min_leader_unavailable_time", "max_leader_unavailable_time", "cnt_leader_unavailable_time", "sum_leader_unavailable_time", "avg_node_created_watch_count", "min_node_created_watch_count", "max_node_created_watch_count", "cnt_node_created_watch_count", "sum_node_created_watch_count", "avg_session_queues_drained", "min_session_queues_drained", "max_session_queues_drained", "cnt_session_queues_drained", "sum_session_queues_drained", "avg_write_commit_proc_req_queued", "min_write_commit_proc_req_queued", "max_write_commit_proc_req_queued", "cnt_write_commit_proc_req_queued", "sum_write_commit_proc_req_queued", "avg_connection_token_deficit", "min_connection_token_deficit", "max_connection_token_deficit", "cnt_connection_token_deficit", "sum_connection_token_deficit", "avg_read_commit_proc_req_queued", "min_read_commit_proc_req_queued", "max_read_commit_proc_req_queued", "cnt_read_commit_proc_req_queued", "sum_read_commit_proc_req_queued", "avg_node_deleted_watch_count", "min_node_deleted_watch_count", "max_node_deleted_watch_count", "cnt_node_deleted_watch_count", "sum_node_deleted_watch_count", "avg_startup_txns_load_time", "min_startup_txns_load_time", "max_startup_txns_load_time", "cnt_startup_txns_load_time", "sum_startup_txns_load_time", "avg_sync_processor_queue_size", "min_sync_processor_queue_size", "max_sync_processor_queue_size", "cnt_sync_processor_queue_size", "sum_sync_processor_queue_size", "avg_follower_sync_time", "min_follower_sync_time", "max_follower_sync_time", "cnt_follower_sync_time", "sum_follower_sync_time", "avg_prep_processor_queue_size", "min_prep_processor_queue_size", "max_prep_processor_queue_size", "cnt_prep_processor_queue_size", "sum_prep_processor_queue_size", "avg_fsynctime", "min_fsynctime", "max_fsynctime", "cnt_fsynctime", "sum_fsynctime", "avg_inflight_snap_count", "min_inflight_snap_count", "max_inflight_snap_count", "cnt_inflight_snap_count", "sum_inflight_snap_count", "avg_reads_issued_from_session_queue", "min_reads_issued_from_session_queue", "max_reads_issued_from_session_queue", "cnt_reads_issued_from_session_queue", "sum_reads_issued_from_session_queue", "avg_learner_request_processor_queue_size", "min_learner_request_processor_queue_size", "max_learner_request_processor_queue_size", "cnt_learner_request_processor_queue_size", "sum_learner_request_processor_queue_size", "avg_snapshottime", "min_snapshottime", "max_snapshottime", "cnt_snapshottime", "sum_snapshottime", "avg_unavailable_time", "min_unavailable_time", "max_unavailable_time", "cnt_unavailable_time", "sum_unavailable_time", "avg_startup_txns_loaded", "min_startup_txns_loaded", "max_startup_txns_loaded", "cnt_startup_txns_loaded", "sum_startup_txns_loaded", "avg_reads_after_write_in_session_queue", "min_reads_after_write_in_session_queue", "max_reads_after_write_in_session_queue", "cnt_reads_after_write_in_session_queue", "sum_reads_after_write_in_session_queue", "avg_requests_in_session_queue", "min_requests_in_session_queue", "max_requests_in_session_queue", "cnt_requests_in_session_queue", "sum_requests_in_session_queue", "avg_write_commit_proc_issued", "min_write_commit_proc_issued", "max_write_commit_proc_issued", "cnt_write_commit_proc_issued", "sum_write_commit_proc_issued", "avg_prep_process_time", "min_prep_process_time", "max_prep_process_time", "cnt_prep_process_time", "sum_prep_process_time", "avg_pending_session_queue_size", "min_pending_session_queue_size", "max_pending_session_queue_size", "cnt_pending_session_queue_size", "sum_pending_session_queue_size", "avg_time_waiting_empty_pool_in_commit_processor_read_ms", "min_time_waiting_empty_pool_in_commit_processor_read_ms", "max_time_waiting_empty_pool_in_commit_processor_read_ms", "cnt_time_waiting_empty_pool_in_commit_processor_read_ms", "sum_time_waiting_empty_pool_in_commit_processor_read_ms", "avg_commit_process_time", "min_commit_process_time", "max_commit_process_time", "cnt_commit_process_time", "sum_commit_process_time", "avg_dbinittime", "min_dbinittime", "max_dbinittime", "cnt_dbinittime", "sum_dbinittime", "avg_inflight_diff_count", "min_inflight_diff_count", "max_inflight_diff_count", "cnt_inflight_diff_count", "sum_inflight_diff_count", "avg_netty_queued_buffer_capacity", "min_netty_queued_buffer_capacity", "max_netty_queued_buffer_capacity", "cnt_netty_queued_buffer_capacity", "sum_netty_queued_buffer_capacity", "avg_election_time", "min_election_time", "max_election_time", "cnt_election_time", "sum_election_time", "avg_commit_commit_proc_req_queued", "min_commit_commit_proc_req_queued", "max_commit_commit_proc_req_queued", "cnt_commit_commit_proc_req_queued", "sum_commit_commit_proc_req_queued", "avg_sync_processor_batch_size", "min_sync_processor_batch_size", "max_sync_processor_batch_size", "cnt_sync_processor_batch_size", "sum_sync_processor_batch_size", "avg_node_children_watch_count", "min_node_children_watch_count", "max_node_children_watch_count", "cnt_node_children_watch_count", "sum_node_children_watch_count", "avg_write_batch_time_in_commit_processor", "min_write_batch_time_in_commit_processor", "max_write_batch_time_in_commit_processor", "cnt_write_batch_time_in_commit_processor", "sum_write_batch_time_in_commit_processor", "avg_read_commit_proc_issued", "min_read_commit_proc_issued", "max_read_commit_proc_issued", "cnt_read_commit_proc_issued", "sum_read_commit_proc_issued", "avg_concurrent_request_processing_in_commit_processor", "min_concurrent_request_processing_in_commit_processor", "max_concurrent_request_processing_in_commit_processor", "cnt_concurrent_request_processing_in_commit_processor", "sum_concurrent_request_processing_in_commit_processor", "avg_observer_sync_time", "min_observer_sync_time", "max_observer_sync_time", "cnt_observer_sync_time", "sum_observer_sync_time", "avg_node_changed_watch_count", "min_node_changed_watch_count", "max_node_changed_watch_count", "cnt_node_changed_watch_count", "sum_node_changed_watch_count", "avg_sync_process_time", "min_sync_process_time", "max_sync_process_time", "cnt_sync_process_time", "sum_sync_process_time", "avg_startup_snap_load_time", "min_startup_snap_load_time", "max_startup_snap_load_time", "cnt_startup_snap_load_time", "sum_startup_snap_load_time", "avg_prep_processor_queue_time_ms", "min_prep_processor_queue_time_ms", "max_prep_processor_queue_time_ms", "cnt_prep_processor_queue_time_ms", "sum_prep_processor_queue_time_ms", "p50_prep_processor_queue_time_ms", "p95_prep_processor_queue_time_ms", "p99_prep_processor_queue_time_ms", "p999_prep_processor_queue_time_ms", "avg_jvm_pause_time_ms", "min_jvm_pause_time_ms", "max_jvm_pause_time_ms", "cnt_jvm_pause_time_ms", "sum_jvm_pause_time_ms", "p50_jvm_pause_time_ms", "p95_jvm_pause_time_ms", "p99_jvm_pause_time_ms", "p999_jvm_pause_time_ms", "avg_close_session_prep_time", "min_close_session_prep_time", "max_close_session_prep_time", "cnt_close_session_prep_time", "sum_close_session_prep_time", "p50_close_session_prep_time", "p95_close_session_prep_time", "p99_close_session_prep_time", "p999_close_session_prep_time", "avg_read_commitproc_time_ms", "min_read_commitproc_time_ms", "max_read_commitproc_time_ms", "cnt_read_commitproc_time_ms", "sum_read_commitproc_time_ms", "p50_read_commitproc_time_ms", "p95_read_commitproc_time_ms", "p99_read_commitproc_time_ms", "p999_read_commitproc_time_ms", "avg_updatelatency", "min_updatelatency", "max_updatelatency", "cnt_updatelatency", "sum_updatelatency", "p50_updatelatency", "p95_updatelatency", "p99_updatelatency", "p999_updatelatency", "avg_local_write_committed_time_ms", "min_local_write_committed_time_ms", "max_local_write_committed_time_ms", "cnt_local_write_committed_time_ms", "sum_local_write_committed_time_ms", "p50_local_write_committed_time_ms", "p95_local_write_committed_time_ms", "p99_local_write_committed_time_ms", "p999_local_write_committed_time_ms", "avg_request_throttle_queue_time_ms", "min_request_throttle_queue_time_ms", "max_request_throttle_queue_time_ms", "cnt_request_throttle_queue_time_ms", "sum_request_throttle_queue_time_ms", "p50_request_throttle_queue_time_ms", "p95_request_throttle_queue_time_ms", "p99_request_throttle_queue_time_ms", "p999_request_throttle_queue_time_ms", "avg_readlatency", "min_readlatency", "max_readlatency", "cnt_readlatency", "sum_readlatency", "p50_readlatency", "p95_readlatency", "p99_readlatency", "p999_readlatency", "avg_quorum_ack_latency", "min_quorum_ack_latency", "max_quorum_ack_latency", "cnt_quorum_ack_latency", "sum_quorum_ack_latency", "p50_quorum_ack_latency", "p95_quorum_ack_latency", "p99_quorum_ack_latency", "p999_quorum_ack_latency", "avg_om_commit_process_time_ms", "min_om_commit_process_time_ms", "max_om_commit_process_time_ms", "cnt_om_commit_process_time_ms", "sum_om_commit_process_time_ms", "p50_om_commit_process_time_ms", "p95_om_commit_process_time_ms", "p99_om_commit_process_time_ms", "p999_om_commit_process_time_ms", "avg_read_final_proc_time_ms", "min_read_final_proc_time_ms", "max_read_final_proc_time_ms", "cnt_read_final_proc_time_ms", "sum_read_final_proc_time_ms", "p50_read_final_proc_time_ms", "p95_read_final_proc_time_ms", "p99_read_final_proc_time_ms", "p999_read_final_proc_time_ms", "avg_commit_propagation_latency", "min_commit_propagation_latency", "max_commit_propagation_latency", "cnt_commit_propagation_latency", "sum_commit_propagation_latency", "p50_commit_propagation_latency", "p95_commit_propagation_latency", "p99_commit_propagation_latency", "p999_commit_propagation_latency", "avg_dead_watchers_cleaner_latency", "min_dead_watchers_cleaner_latency", "max_dead_watchers_cleaner_latency", "cnt_dead_watchers_cleaner_latency", "sum_dead_watchers_cleaner_latency", "p50_dead_watchers_cleaner_latency", "p95_dead_watchers_cleaner_latency", "p99_dead_watchers_cleaner_latency", "p999_dead_watchers_cleaner_latency", "avg_write_final_proc_time_ms", "min_write_final_proc_time_ms", "max_write_final_proc_time_ms", "cnt_write_final_proc_time_ms", "sum_write_final_proc_time_ms", "p50_write_final_proc_time_ms", "p95_write_final_proc_time_ms", "p99_write_final_proc_time_ms", "p999_write_final_proc_time_ms", "avg_proposal_ack_creation_latency", "min_proposal_ack_creation_latency", "max_proposal_ack_creation_latency", "cnt_proposal_ack_creation_latency", "sum_proposal_ack_creation_latency", "p50_proposal_ack_creation_latency", "p95_proposal_ack_creation_latency", "p99_proposal_ack_creation_latency", "p999_proposal_ack_creation_latency", "avg_proposal_latency", "min_proposal_latency", "max_proposal_latency", "cnt_proposal_latency", "sum_proposal_latency", "p50_proposal_latency", "p95_proposal_latency", "p99_proposal_latency", "p999_proposal_latency", "avg_om_proposal_process_time_ms", "min_om_proposal_process_time_ms", "max_om_proposal_process_time_ms", "cnt_om_proposal_process_time_ms", "sum_om_proposal_process_time_ms", "p50_om_proposal_process_time_ms", "p95_om_proposal_process_time_ms", "p99_om_proposal_process_time_ms", "p999_om_proposal_process_time_ms", "avg_sync_processor_queue_and_flush_time_ms", "min_sync_processor_queue_and_flush_time_ms", "max_sync_processor_queue_and_flush_time_ms", "cnt_sync_processor_queue_and_flush_time_ms", "sum_sync_processor_queue_and_flush_time_ms", "p50_sync_processor_queue_and_flush_time_ms", "p95_sync_processor_queue_and_flush_time_ms", "p99_sync_processor_queue_and_flush_time_ms", "p999_sync_processor_queue_and_flush_time_ms", "avg_propagation_latency", "min_propagation_latency", "max_propagation_latency", "cnt_propagation_latency", "sum_propagation_latency", "p50_propagation_latency", "p95_propagation_latency", "p99_propagation_latency", "p999_propagation_latency", "avg_server_write_committed_time_ms", "min_server_write_committed_time_ms", "max_server_write_committed_time_ms", "cnt_server_write_committed_time_ms", "sum_server_write_committed_time_ms", "p50_server_write_committed_time_ms", "p95_server_write_committed_time_ms", "p99_server_write_committed_time_ms", "p999_server_write_committed_time_ms", "avg_sync_processor_queue_time_ms", "min_sync_processor_queue_time_ms", "max_sync_processor_queue_time_ms", "cnt_sync_processor_queue_time_ms", "sum_sync_processor_queue_time_ms", "p50_sync_processor_queue_time_ms", "p95_sync_processor_queue_time_ms", "p99_sync_processor_queue_time_ms", "p999_sync_processor_queue_time_ms", "avg_sync_processor_queue_flush_time_ms", "min_sync_processor_queue_flush_time_ms", "max_sync_processor_queue_flush_time_ms", "cnt_sync_processor_queue_flush_time_ms", "sum_sync_processor_queue_flush_time_ms", "p50_sync_processor_queue_flush_time_ms", "p95_sync_processor_queue_flush_time_ms", "p99_sync_processor_queue_flush_time_ms", "p999_sync_processor_queue_flush_time_ms", "avg_write_commitproc_time_ms", "min_write_commitproc_time_ms", "max_write_commitproc_time_ms", "cnt_write_commitproc_time_ms", "sum_write_commitproc_time_ms", "p50_write_commitproc_time_ms", "p95_write_commitproc_time_ms", "p99_write_commitproc_time_ms", "p999_write_commitproc_time_ms", "avg_a_read_per_namespace", "min_a_read_per_namespace", "max_a_read_per_namespace", "cnt_a_read_per_namespace", "sum_a_read_per_namespace", "avg_a_write_per_namespace", "min_a_write_per_namespace", "max_a_write_per_namespace", "cnt_a_write_per_namespace", "sum_a_write_per_namespace"];
