package com.example.orderflow.testsupport;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.context.annotation.Import;

/**
 * Put beside {@code @SpringBootTest}: the application under test talks to a real Kafka
 * broker (Testcontainers with Docker, an in-JVM KRaft cluster without). See
 * {@link RealKafkaConfiguration}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Import(RealKafkaConfiguration.class)
public @interface RealKafka {

}
