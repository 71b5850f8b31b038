/**
 * Secured mode: the certificates and passwords of one run, the brokers' TLS, SCRAM and
 * authorizer settings, each principal's client settings, and the ACL matrix that keeps
 * every service in its lane.
 */
package com.example.orderflow.cluster.security;
