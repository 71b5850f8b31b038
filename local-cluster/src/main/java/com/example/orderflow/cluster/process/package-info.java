/**
 * The life of a child process the launcher starts: its PID file, so another shell can
 * stop it, stopping several at the same time, and the tail of its log when it dies early.
 */
package com.example.orderflow.cluster.process;
