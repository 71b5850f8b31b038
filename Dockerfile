# One image recipe for every orderflow service, chosen by MODULE:
#
#   docker build --build-arg MODULE=orders-service -t orderflow/orders-service:0.1.0-SNAPSHOT .
#
# docker-compose.yml builds each service this way. The build stage does not use MODULE, so
# it is built once and its layers are shared by every service's image.

FROM eclipse-temurin:17.0.17_10-jdk-noble AS build
WORKDIR /workspace

# The wrapper and every pom first (Maven needs each module's pom, even of modules it skips):
# the dependency layer below is built again only when one of them changes.
COPY mvnw pom.xml ./
COPY .mvn/ .mvn/
COPY common-events/pom.xml common-events/
COPY kafka-support/pom.xml kafka-support/
COPY test-support/pom.xml test-support/
COPY orders-service/pom.xml orders-service/
COPY billing-service/pom.xml billing-service/
COPY shipping-service/pom.xml shipping-service/
COPY fraud-service/pom.xml fraud-service/
COPY notification-service/pom.xml notification-service/
COPY local-cluster/pom.xml local-cluster/
COPY local-demo/pom.xml local-demo/
COPY system-tests/pom.xml system-tests/
RUN chmod +x mvnw

ARG SERVICES=orders-service,billing-service,shipping-service,fraud-service,notification-service

# Fetches Maven, the dependencies and the plugins of the services and the modules they use,
# without compiling anything yet.
RUN ./mvnw -B -ntp -q -pl "${SERVICES}" -am package \
		-Dmaven.main.skip=true -Dmaven.test.skip=true -Dspring-boot.repackage.skip=true \
	&& rm -rf */target

# .dockerignore keeps target/, tests, docs and local data out of this copy.
COPY . .
RUN ./mvnw -B -ntp -q -pl "${SERVICES}" -am package -Dmaven.test.skip=true

FROM eclipse-temurin:17.0.17_10-jre-noble
ARG MODULE
RUN test -n "${MODULE}" || { echo "Build with --build-arg MODULE=<service module>, e.g. orders-service" >&2; exit 1; } \
	&& groupadd --system orderflow \
	&& useradd --system --gid orderflow --home-dir /app --no-create-home --shell /usr/sbin/nologin orderflow
WORKDIR /app
COPY --from=build /workspace/${MODULE}/target/${MODULE}-*.jar /app/app.jar
USER orderflow
# Memory and other JVM flags come from JDK_JAVA_OPTIONS (docker-compose.yml sets -Xmx256m and
# -XX:+ExitOnOutOfMemoryError, so that a service out of heap restarts instead of limping).
ENTRYPOINT ["java", "-jar", "/app/app.jar"]
