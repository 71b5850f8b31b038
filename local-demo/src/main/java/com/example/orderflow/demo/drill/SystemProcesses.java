package com.example.orderflow.demo.drill;

import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * What a drill may do to the processes of a running system. {@link LocalProcesses} acts
 * on the cluster and services of this JVM (tests, {@code ./demo} itself);
 * {@link ControlChannel#client} asks the running {@code ./demo up} to act, so that the
 * processes stay its children and {@code ./demo down} stops them.
 */
public interface SystemProcesses {

	/**
	 * What a Kafka client of the tooling needs to reach the cluster: its bootstrap
	 * servers and, on a secured cluster, the admin principal's SASL_SSL settings.
	 */
	Map<String, Object> clientProperties();

	/** The base URI of a service instance ({@code http://127.0.0.1:8081}). */
	URI serviceUri(String instance);

	/** {@code kill -9} of a Kafka node (broker and controller). */
	void killBroker(int node);

	/** SIGTERM: a controlled shutdown, leadership handed over first. */
	void stopBroker(int node);

	/** Starts a node again on its data; returns once its broker is registered. */
	void startBroker(int node);

	/** The running instances of a service, the default one first. */
	List<String> instances(String service);

	/**
	 * Starts or stops (SIGTERM, newest first) instances until exactly {@code count} run,
	 * and returns once every started one is ready.
	 * @return the running instances
	 */
	List<String> scale(String service, int count);

	/** {@code kill -9} of one service instance. */
	void killInstance(String instance);

	/**
	 * {@code kill -9} of one service instance and its start again as the same instance
	 * (port, instance id), as a supervisor restarts a crashed process.
	 * @return seconds from the kill until it was ready again
	 */
	double killAndRestart(String instance);

}
