/**
 * The cluster's certificates as files: reading PEM certificates and keys ({@link
 * org.daitu.vcmon.pki.Pem}), and making the cluster's own CA and one certificate per vantage
 * ({@link org.daitu.vcmon.pki.ClusterCertificates}, the {@code cluster-certs} command). No Vert.x,
 * no cluster engine: the config loader checks the files with it, the cluster node builds its TLS
 * from it.
 */
package org.daitu.vcmon.pki;
