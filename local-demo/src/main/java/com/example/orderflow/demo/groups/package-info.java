/**
 * Group protocols side by side, with small member processes of plain Kafka clients
 * (several members in one JVM; 2 cores do not hold a service JVM per member): the classic
 * and the consumer rebalance protocol on the same {@code kill -9} and join
 * ({@link com.example.orderflow.demo.groups.ProtocolDrill}), and a share group
 * ({@link com.example.orderflow.demo.groups.ShareGroupDrill}).
 */
package com.example.orderflow.demo.groups;
