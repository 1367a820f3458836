/**
 * Logging helpers any component may use (the web server's refused requests, the trap receiver's
 * dropped datagrams): no Vert.x, no dependency on the rest of vcmon.
 */
package org.daitu.vcmon.log;
