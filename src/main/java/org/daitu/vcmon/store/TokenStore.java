package org.daitu.vcmon.store;

import io.vertx.core.Future;
import java.util.Optional;

/**
 * The newest credential of a channel whose credentials can be used only once (a Zalo OA refresh
 * token is replaced by each refresh): kept durably so that a restart goes on with it instead of
 * the consumed one from the configuration.
 */
public interface TokenStore {

  /** The token kept for the channel identity {@code channel}, if any. */
  Future<Optional<ChannelToken>> channelToken(String channel);

  /** Keeps {@code token} for {@code channel}, replacing the one before; durable once completed. */
  Future<Void> saveChannelToken(String channel, ChannelToken token);
}
