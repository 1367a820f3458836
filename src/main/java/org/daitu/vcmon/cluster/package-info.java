/**
 * What several agents (vantages) watching the same sites decide together, as pure functions: no
 * I/O, no Vert.x, no clock of their own (times are inputs). Each agent runs the single-agent
 * {@link org.daitu.vcmon.state.SiteTracker} and publishes its verdict changes as {@link
 * org.daitu.vcmon.cluster.VantageVerdict}s; every agent keeps the latest verdict per site and
 * vantage and feeds them here:
 *
 * <ul>
 *   <li>{@link org.daitu.vcmon.cluster.BlindVantages} finds the vantages that cannot reach most of
 *       their sites while another vantage sees them online: their path is cut, not thirty
 *       communes, so their DOWN and UNREACHABLE verdicts are left out.
 *   <li>{@link org.daitu.vcmon.cluster.CombinedState} turns the verdicts of the live, non-blind
 *       vantages into the site's one state: DOWN or UNREACHABLE only when they all agree, else
 *       the best live verdict with the vantages that cannot reach the site named.
 *   <li>{@link org.daitu.vcmon.cluster.Ownership} picks the one live agent that speaks for a
 *       site (sends its notifications), by rendezvous hashing.
 * </ul>
 *
 * <p>Every agent fed the same verdicts and membership computes the same results, so their
 * histories agree. The rules and why they are so: docs/states.md, "Several vantages".
 *
 * <p>{@link org.daitu.vcmon.cluster.MemberView} is what the rest of vcmon sees of the membership;
 * the cluster engine itself (Vert.x clustered on Infinispan/JGroups, TLS, the member list) lives
 * in {@link org.daitu.vcmon.cluster.node}, the only package besides the composition root that
 * names engine types.
 */
package org.daitu.vcmon.cluster;
