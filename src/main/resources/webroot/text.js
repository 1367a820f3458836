// Texts both pages (/ and /site/{id}) show: state and rollout stage names, and vcmon's reasons in
// Vietnamese. Loaded before app.js and site.js; defines window.vcmonText and nothing else.
"use strict";

(function () {
  const LABELS = {
    vi: {
      state: { UP: "Hoạt động", DEGRADED: "Suy giảm", DOWN: "Mất kết nối", UNREACHABLE: "Không tới được",
               UNKNOWN: "Chưa rõ", PLANNED: "Theo kế hoạch", MAINTENANCE: "Bảo trì" },
      stage: { planned: "Kế hoạch", installed: "Đã lắp đặt", connected: "Đã kết nối", commissioned: "Đã nghiệm thu" },
    },
    en: {
      state: { UP: "Up", DEGRADED: "Degraded", DOWN: "Down", UNREACHABLE: "Unreachable",
               UNKNOWN: "Unknown", PLANNED: "Planned", MAINTENANCE: "Maintenance" },
      stage: { planned: "Planned", installed: "Installed", connected: "Connected", commissioned: "Commissioned" },
    },
  };

  // vcmon writes its reasons in English from a small set of phrases; in Vietnamese each known
  // phrase is translated and anything else (an agent's own error text, a note) is shown as is.
  const REASONS_VI = [
    [/^ping and SNMP answer$/, () => "ping và SNMP đều trả lời"],
    [/^ping answers$/, () => "ping trả lời"],
    [/^no answer to (\d+) pings but SNMP answers \(ICMP filtered\?\)$/, (m) => `không trả lời ${m[1]} gói ping nhưng SNMP trả lời (ICMP bị chặn?)`],
    [/^no answer to (\d+) pings$/, (m) => `không trả lời ${m[1]} gói ping`],
    [/^SNMP silent: (.*)$/, (m) => "SNMP không trả lời: " + reasonVi(m[1])],
    [/^SNMP: (.*)$/, (m) => "SNMP: " + reasonVi(m[1])],
    [/^no SNMP answer within (\S+) \((\d+) attempts?\)$/, (m) => `không có trả lời SNMP sau ${m[1]} (${m[2]} lần thử)`],
    [/^packet loss (\S+) \(limit (\S+)\)$/, (m) => `mất gói ${m[1]} (ngưỡng ${m[2]})`],
    [/^RTT (\S+ ms) \(limit (\S+ ms)\)$/, (m) => `độ trễ ${m[1]} (ngưỡng ${m[2]})`],
    [/^interface (.+) named in config not found$/, (m) => `không thấy cổng mạng ${m[1]} (có trong cấu hình) trên thiết bị`],
    [/^interface (.+) named in config not read \(interface table partial\)$/, (m) => `chưa đọc được cổng mạng ${m[1]} (có trong cấu hình): bảng cổng mạng chỉ đọc được một phần`],
    [/^interface (.+) down$/, (m) => `cổng mạng ${m[1]} không hoạt động`],
    [/^(\d+) interfaces down: (.*)$/, (m) => `${m[1]} cổng mất kết nối: ${m[2]}`],
    [/^new: (.*)$/, (m) => "lỗi mới: " + reasonVi(m[1])],
    [/^cleared: (.*)$/, (m) => "đã hết: " + reasonVi(m[1])],
    [/^H\.323 gatekeeper registration failed$/, () => "mất đăng ký H.323 với gatekeeper"],
    [/^SIP registration failed(.*)$/, (m) => "mất đăng ký SIP" + m[1]],
    [/^parent (\S+) is (DOWN|UNREACHABLE)$/, (m) => `điểm cấp trên ${m[1]} ${LABELS.vi.state[m[2]].toLowerCase()}`],
    [/^maintenance window (-?\d+): (.*)$/, (m) => `đang bảo trì (khung ${m[1]}): ${m[2]}`],
    [/^maintenance window (-?\d+)$/, (m) => `đang bảo trì (khung ${m[1]})`],
    [/^maintenance window ended$/, () => "hết khung bảo trì"],
    [/^vcmon's own uplink is down: self-check targets (.*) do not answer$/, (m) => `đường truyền của chính vcmon bị mất: ${m[1]} không trả lời`],
    [/^not checked yet$/, () => "chưa kiểm tra"],
    [/^not reachable from (\S+) \(DOWN since (.+)\)$/, (m) => `không tới được từ ${m[1]} (mất kết nối từ ${m[2]})`],
    [/^not reachable from (\S+) \(UNREACHABLE since (.+)\)$/, (m) => `không tới được từ ${m[1]} (cấp trên mất kết nối từ ${m[2]})`],
    [/^no live vantage watches the site$/, () => "không có điểm giám sát nào đang hoạt động theo dõi điểm này"],
    [/^no verdict yet from (.+)$/, (m) => `chưa có kết quả từ ${m[1]}`],
    [/^no verdict yet$/, () => "chưa có kết quả"],
    [/^every live vantage watching the site is blind: (.+)$/, (m) => `mọi điểm giám sát đang theo dõi điểm này đều mất tầm nhìn: ${m[1]}`],
    [/^vantage (\S+) left the cluster$/, (m) => `điểm giám sát ${m[1]} đã rời cụm`],
    [/^vantage (\S+) does not watch the site$/, (m) => `điểm giám sát ${m[1]} không theo dõi điểm này`],
    [/^vantage (\S+) is blind: (\d+) of its (\d+) sites are out from it while (\S+) sees (\d+) of them online$/, (m) => `điểm giám sát ${m[1]} mất tầm nhìn: không tới được ${m[2]}/${m[3]} điểm nó theo dõi, trong khi ${m[4]} vẫn thấy ${m[5]} điểm trong số đó hoạt động`],
    [/^rollout stage planned: not expected to answer yet$/, () => "theo kế hoạch: chưa cần trả lời"],
    [/^rollout stage (\S+): checking$/, (m) => `giai đoạn ${LABELS.vi.stage[m[1]] || m[1]}: đang kiểm tra`],
    [/^ping unavailable: (.*)$/, (m) => "không ping được từ máy vcmon: " + m[1]],
    [/^stopped flapping; (.*)$/, (m) => "hết chập chờn; " + reasonVi(m[1])],
    [/^SNMPv3 authentication failed: wrong auth password for user (\S+)$/, (m) => `SNMPv3: sai mật khẩu xác thực của người dùng ${m[1]}`],
  ];
  function reasonVi(text) {
    return text.split("; ").map((part) => {
      for (const [re, tr] of REASONS_VI) {
        const m = part.match(re);
        if (m) return tr(m);
      }
      return part;
    }).join("; ");
  }

  window.vcmonText = { vi: LABELS.vi, en: LABELS.en, reasonVi };
})();
