/**
 * The guided tour of {@code ./demo}: ten ideas a team needs, each shown live on the
 * running system, explained, drawn, and verified on the cluster; one class per idea.
 */
package com.example.orderflow.demo.tour;
