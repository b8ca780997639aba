// @ts-check
// Konter owner back office: summary report, saldo and top-up, shop settings. Served at /owner/ by
// konter-server; no build step. The session cookie is HttpOnly; JS only holds the CSRF token.

const API = '/owner/api';
const POLL_MS = 10_000;
const MAX_RANGE_DAYS = 92;
const MIN_DEPOSIT_IDR = 10_000;
const LS_LANG = 'konter.owner.lang';
const LS_VIEW = 'konter.owner.view';

/** @typedef {'id'|'en'} Lang */
/** @typedef {'masuk'|'atur'|'ringkasan'|'saldo'|'pengaturan'} Route */
/** @typedef {'today'|'yesterday'|'7'|'30'|'custom'} Preset */
/** @typedef {{id: string, code: string, name: string}} Shop */
/** @typedef {{phone: string, shops: Shop[], csrf: string}} Me */
/** @typedef {{key: string, label: string, count: number, omzet_idr: number, modal_idr: number, laba_idr: number}} Row */
/** @typedef {{count: number, omzet_idr: number, modal_idr: number, laba_idr: number, fee_idr: number, pending_count: number, pending_idr: number, failed_count: number, refunded_count: number}} Totals */
/** @typedef {{order_id: string, shop: string, device: string, cashier: string, product: string, target: string|null, price_idr: number, status: string, reason: string|null, sold_at: string}} Problem */
/** @typedef {{order_id: string, shop: string, product: string, price_idr: number, cost_idr: number, refunded_at: string}} Refund */
/** @typedef {{id: string, shop: string, device: string, cashier: string, opened_at: string, closed_at: string, opening_cash_idr: number, expected_cash_idr: number, counted_cash_idr: number, difference_idr: number, closed_by: string}} Shift */
/**
 * @typedef {{from: string, to: string, generated_at: string, totals: Totals,
 *   by_shop: Row[], by_device: Row[], by_cashier: Row[], by_category: Row[], by_product: Row[], bills: Row,
 *   hourly: {hour: number, count: number, omzet_idr: number}[],
 *   daily: {day: string, count: number, omzet_idr: number, laba_idr: number}[],
 *   problems: Problem[], refunds: Refund[], shifts: Shift[]}} SalesReport
 */
/** @typedef {{balance_idr: number, held_idr: number, available_idr: number}} Saldo */
/** @typedef {{at: string, reason: string, amount_idr: number, saldo: Saldo, order_id: string|null, deposit_id: string|null, reference: string|null}} HistoryEntry */
/** @typedef {{id: string, amount_idr: number, method: 'va'|'qris', status: string, bank?: string, va_number?: string, qr_string?: string, expires_at?: string, created_at: string}} Deposit */
/** @typedef {{saldo: Saldo, history: HistoryEntry[], deposits: Deposit[]}} SaldoResponse */
/** @typedef {'default'|'category'|'brand'|'product'} RuleScope */
/** A markup on the saldo price; a percent is a decimal string (`"2.5"`). @typedef {{kind: 'fixed', idr: number} | {kind: 'percent', percent: string}} Markup */
/** @typedef {{scope: RuleScope, key: string, markup: Markup, round_to: number}} SellingRule */
/** @typedef {{cap_idr: number, fees: Record<string, number>}} BillFees */
/**
 * Everything the counters of one outlet share; `version` 0 = never saved (defaults).
 * @typedef {{version: number, price_rules: SellingRule[], bill_fees: BillFees, receipt_header: string, receipt_footer: string,
 *   shop_address: string, shop_phone: string, utc_offset_h: number}} ShopSettings
 */
/** The settings form's fields as typed, by input name (`cap`, `fee.<key>`, `receipt_header`, …, `zone`). @typedef {Record<string, string>} SettingsForm */
/** The rule being added (`index` -1) or edited, as typed. @typedef {{index: number, scope: RuleScope, key: string, kind: 'fixed'|'percent', amount: string, round: string}} RuleDraft */
/** What the save bar says: saved (new version), an error, or a newer version seen while editing. @typedef {{saved: number} | {error: unknown} | {newer: number}} SettingsMsg */
/**
 * One outlet's settings as loaded (`base`) and the owner's edits on top, kept per outlet until saved or discarded.
 * @typedef {{base: ShopSettings, rules: SellingRule[], form: SettingsForm, draft: RuleDraft|null, ruleError: string, msg: SettingsMsg|null}} SettingsEdit
 */

// ---------------------------------------------------------------------------------------------
// Words. One table: key -> [Bahasa Indonesia, English]. `{name}` placeholders are filled by t().

/** @type {Record<string, [string, string]>} */
const WORDS = {
  'app.title': ['Konter — Pemilik', 'Konter — Owner'],
  'app.owner': ['Pemilik', 'Owner'],
  'app.loading': ['Memuat…', 'Loading…'],
  'lang.other': ['EN', 'ID'],
  'lang.other_label': ['Switch to English', 'Ganti ke Bahasa Indonesia'],
  'nav.menu': ['Menu', 'Menu'],
  'nav.summary': ['Ringkasan', 'Summary'],
  'nav.saldo': ['Saldo', 'Balance'],
  'nav.settings': ['Pengaturan', 'Settings'],
  'nav.logout': ['Keluar', 'Log out'],
  'nav.logout_all': ['Keluar dari semua perangkat', 'Log out everywhere'],
  'login.title': ['Masuk', 'Log in'],
  'login.subtitle': ['Kantor belakang pemilik konter', "Shop owner's back office"],
  'login.submit': ['Masuk', 'Log in'],
  'login.have_code': ['Punya kode pengaturan?', 'Have a setup code?'],
  'setup.title': ['Atur kata sandi', 'Set your password'],
  'setup.intro': ['Masukkan kode pengaturan, lalu buat kata sandi baru.', 'Enter your setup code, then choose a new password.'],
  'setup.submit': ['Simpan & masuk', 'Save & log in'],
  'setup.back': ['Kembali ke Masuk', 'Back to log in'],
  'field.phone': ['Nomor HP', 'Phone number'],
  'field.password': ['Kata sandi', 'Password'],
  'field.code': ['Kode pengaturan', 'Setup code'],
  'field.new_password': ['Kata sandi baru (min. 8 karakter)', 'New password (min. 8 characters)'],
  'field.password2': ['Ulangi kata sandi', 'Repeat password'],
  'auth.session_ended': ['Sesi berakhir. Silakan masuk lagi.', 'Your session ended. Please log in again.'],
  'auth.logged_out': ['Anda sudah keluar.', 'You are logged out.'],
  'auth.logged_out_all': ['Anda sudah keluar dari semua perangkat.', 'You are logged out on all devices.'],
  'ctl.outlet': ['Outlet', 'Outlet'],
  'ctl.all': ['Semua outlet', 'All outlets'],
  'ctl.range': ['Rentang tanggal', 'Date range'],
  'range.today': ['Hari ini', 'Today'],
  'range.yesterday': ['Kemarin', 'Yesterday'],
  'range.7': ['7 hari', '7 days'],
  'range.30': ['30 hari', '30 days'],
  'range.from': ['Dari', 'From'],
  'range.to': ['Sampai', 'To'],
  'status.updated': ['Diperbarui {time}', 'Updated {time}'],
  'status.never': ['Belum diperbarui', 'Not updated yet'],
  'status.offline': ['Tidak tersambung — mencoba lagi', 'Not connected — retrying'],
  'sales.csv': ['Unduh semua penjualan (CSV)', 'Download all sales (CSV)'],
  'card.omzet': ['Omzet', 'Revenue'],
  'card.modal': ['Modal', 'Cost'],
  'card.laba': ['Laba', 'Profit'],
  'card.count': ['Transaksi', 'Transactions'],
  'card.pending': ['Pending', 'Pending'],
  'card.failed': ['Gagal', 'Failed'],
  'card.fee': ['Biaya tagihan', 'Bill fees'],
  'card.margin': ['{p} dari omzet', '{p} of revenue'],
  'card.refunded': ['{n} direfund', '{n} refunded'],
  'chart.hourly': ['Omzet per jam', 'Revenue by hour'],
  'chart.daily': ['Omzet per hari', 'Revenue by day'],
  'chart.max': ['tertinggi {v}', 'peak {v}'],
  'chart.tx': ['{n} transaksi', '{n} transactions'],
  'chart.profit': ['laba {v}', 'profit {v}'],
  'table.shop': ['Per outlet', 'By outlet'],
  'table.device': ['Per perangkat', 'By device'],
  'table.cashier': ['Per kasir', 'By cashier'],
  'table.category': ['Per kategori', 'By category'],
  'table.product': ['Per produk', 'By product'],
  'table.bills': ['Tagihan', 'Bills'],
  'table.problems': ['Pending & gagal', 'Pending & failed'],
  'table.refunds': ['Refund', 'Refunds'],
  'table.shifts': ['Tutup shift', 'Shift closes'],
  'table.deposits': ['Riwayat isi saldo', 'Top-ups'],
  'table.history': ['Mutasi saldo', 'Balance history'],
  'table.total': ['Total', 'Total'],
  'table.empty': ['Tidak ada data', 'No data'],
  'col.name': ['Nama', 'Name'],
  'col.outlet': ['Outlet', 'Outlet'],
  'col.device': ['Perangkat', 'Device'],
  'col.cashier': ['Kasir', 'Cashier'],
  'col.category': ['Kategori', 'Category'],
  'col.product': ['Produk', 'Product'],
  'col.count': ['Transaksi', 'Transactions'],
  'col.omzet': ['Omzet', 'Revenue'],
  'col.modal': ['Modal', 'Cost'],
  'col.laba': ['Laba', 'Profit'],
  'col.fee': ['Biaya', 'Fees'],
  'col.time': ['Waktu', 'Time'],
  'col.target': ['Tujuan', 'Target'],
  'col.price': ['Harga', 'Price'],
  'col.status': ['Status', 'Status'],
  'col.reason': ['Alasan', 'Reason'],
  'col.order': ['ID pesanan', 'Order ID'],
  'col.shift': ['ID shift', 'Shift ID'],
  'col.opened': ['Dibuka', 'Opened'],
  'col.closed': ['Ditutup', 'Closed'],
  'col.opening_cash': ['Kas awal', 'Opening cash'],
  'col.expected': ['Kas seharusnya', 'Expected cash'],
  'col.counted': ['Kas dihitung', 'Counted cash'],
  'col.difference': ['Selisih', 'Difference'],
  'col.closed_by': ['Ditutup oleh', 'Closed by'],
  'col.amount': ['Jumlah', 'Amount'],
  'col.method': ['Metode', 'Method'],
  'col.expires': ['Berlaku sampai', 'Expires'],
  'col.available_after': ['Tersedia setelahnya', 'Available after'],
  'col.balance_after': ['Saldo setelahnya', 'Balance after'],
  'col.ref': ['Keterangan', 'Description'],
  'col.reference': ['Referensi', 'Reference'],
  'diff.short': ['kurang', 'short'],
  'diff.over': ['lebih', 'over'],
  'st.pending': ['Pending', 'Pending'],
  'st.failed': ['Gagal', 'Failed'],
  'st.refunded': ['Direfund', 'Refunded'],
  'st.queued': ['Antre', 'Queued'],
  'st.accepted': ['Diterima', 'Accepted'],
  'st.processing': ['Diproses', 'Processing'],
  'st.paid': ['Lunas', 'Paid'],
  'st.expired': ['Kedaluwarsa', 'Expired'],
  'st.cancelled': ['Dibatalkan', 'Cancelled'],
  'reason.hold': ['Ditahan untuk transaksi', 'Held for a sale'],
  'reason.charge': ['Dipotong untuk transaksi', 'Charged for a sale'],
  'reason.release': ['Dilepas (transaksi batal)', 'Released (sale cancelled)'],
  'reason.refund': ['Refund', 'Refund'],
  'reason.deposit': ['Isi saldo', 'Top-up'],
  'reason.adjustment': ['Penyesuaian', 'Adjustment'],
  'ref.order': ['Pesanan {id}', 'Order {id}'],
  'ref.deposit': ['Isi saldo {id}', 'Top-up {id}'],
  'cat.pulsa': ['Pulsa', 'Airtime'],
  'cat.data': ['Paket Data', 'Data'],
  'cat.pln': ['Token PLN', 'PLN electricity'],
  'cat.emoney': ['E-Money', 'E-money'],
  'cat.game': ['Voucher Game', 'Game top-up'],
  'cat.bill': ['Tagihan', 'Bills'],
  'set.title': ['Pengaturan toko {shop}', 'Shop settings — {shop}'],
  'set.version': ['Versi', 'Version'],
  'set.never': ['(belum pernah disimpan; nilai bawaan)', '(never saved; defaults)'],
  'set.rules': ['Harga jual', 'Selling prices'],
  'set.rules_hint': [
    'Harga jual = harga saldo + markup, dibulatkan ke atas. Aturan paling khusus yang dipakai: produk > merek > kategori > bawaan; kasir tanpa aturan bawaan menambah Rp2.000, dibulatkan ke atas ke Rp500.',
    'Selling price = saldo price + markup, rounded up. The most specific rule wins: product > brand > category > default; a counter without a default rule adds Rp2.000, rounded up to Rp500.',
  ],
  'set.rules_empty': ['Belum ada aturan: kasir menambah Rp2.000, dibulatkan ke atas ke Rp500.', 'No rules yet: counters add Rp2.000, rounded up to Rp500.'],
  'set.col_rule': ['Aturan', 'Rule'],
  'set.col_markup': ['Markup', 'Markup'],
  'set.col_round': ['Dibulatkan ke atas', 'Rounded up to'],
  'set.round_short': ['dibulatkan ke', 'rounded to'],
  'set.col_actions': ['Tindakan', 'Actions'],
  'set.rule_add': ['+ Aturan baru', '+ New rule'],
  'set.rule_new': ['Aturan baru', 'New rule'],
  'set.rule_change': ['Ubah aturan', 'Edit rule'],
  'set.rule_edit': ['Ubah', 'Edit'],
  'set.rule_delete': ['Hapus', 'Delete'],
  'set.rule_apply_new': ['Tambahkan ke daftar', 'Add to the list'],
  'set.rule_apply_edit': ['Perbarui', 'Update'],
  'set.rule_cancel': ['Batal', 'Cancel'],
  'set.rule_unsaved': ['Daftar aturan berlaku setelah Anda menekan Simpan di bawah.', 'The rules take effect when you press Save below.'],
  'set.scope': ['Berlaku untuk', 'Applies to'],
  'scope.default': ['Bawaan (semua produk)', 'Default (every product)'],
  'scope.category': ['Kategori', 'Category'],
  'scope.brand': ['Merek', 'Brand'],
  'scope.product': ['Produk (SKU)', 'Product (SKU)'],
  'scope.default_short': ['Bawaan', 'Default'],
  'scope.product_short': ['Produk', 'Product'],
  'scope.all_products': ['semua produk', 'every product'],
  'set.key_category': ['Kategori', 'Category'],
  'set.key_brand': ['Merek (seperti di katalog, mis. TELKOMSEL, DANA)', 'Brand (as in the catalogue, e.g. TELKOMSEL, DANA)'],
  'set.key_product': ['Kode produk (SKU, mis. tsel10)', 'Product code (SKU, e.g. tsel10)'],
  'set.kind': ['Jenis markup', 'Markup type'],
  'kind.fixed': ['Rupiah tetap', 'Fixed rupiah'],
  'kind.percent': ['Persen dari harga saldo', 'Percent of the saldo price'],
  'set.amount_fixed': ['Tambah (Rp)', 'Add (Rp)'],
  'set.amount_percent': ['Tambah (%)', 'Add (%)'],
  'set.round': ['Bulatkan ke atas ke', 'Round up to'],
  'set.fees': ['Biaya admin tagihan', 'Bill fees'],
  'set.fees_hint': ['Ditambahkan ke setiap tagihan yang dibayar di kasir; tidak boleh melebihi batas.', 'Added to every bill paid at the counter; never above the cap.'],
  'set.fee_cap': ['Batas biaya admin (Rp)', 'Fee cap (Rp)'],
  'set.fee_cap_name': ['Batas biaya admin', 'Fee cap'],
  'set.fee_of': ['{name} (Rp)', '{name} (Rp)'],
  'fee.pln_pasca': ['PLN Pascabayar', 'PLN postpaid'],
  'fee.bpjs': ['BPJS Kesehatan', 'BPJS Kesehatan'],
  'fee.pdam': ['PDAM', 'PDAM (water)'],
  'fee.internet': ['Internet & TV', 'Internet & TV'],
  'fee.multifinance': ['Angsuran', 'Instalments'],
  'set.receipt': ['Struk', 'Receipt'],
  'set.header': ['Kepala struk (satu baris)', 'Receipt header (one line)'],
  'set.header_name': ['Kepala struk', 'Receipt header'],
  'set.header_hint': ['Kosong: nama toko ({shop}).', "Empty: the shop's name ({shop})."],
  'set.footer': ['Kaki struk (satu baris per baris)', 'Receipt footer (one line per line)'],
  'set.footer_name': ['Kaki struk', 'Receipt footer'],
  'set.address': ['Alamat toko', 'Shop address'],
  'set.phone': ['Telepon toko', 'Shop phone'],
  'set.zone': ['Zona waktu', 'Time zone'],
  'set.zone_label': ['Waktu di struk dan laporan kasir', 'Time on receipts and counter reports'],
  'zone.7': ['WIB (UTC+7)', 'WIB (UTC+7)'],
  'zone.8': ['WITA (UTC+8)', 'WITA (UTC+8)'],
  'zone.9': ['WIT (UTC+9)', 'WIT (UTC+9)'],
  'set.save': ['Simpan', 'Save'],
  'set.discard': ['Batalkan perubahan', 'Discard changes'],
  'set.dirty': ['Ada perubahan yang belum disimpan', 'Unsaved changes'],
  'set.saved': ['Tersimpan (versi {v}) — semua kasir menerima dalam beberapa detik.', 'Saved (version {v}) — every counter gets it within seconds.'],
  'set.newer': ['Pengaturan outlet ini baru diubah di tempat lain (versi {v}); menyimpan akan ditolak. Muat ulang untuk melihatnya (perubahan Anda di sini hilang).', "This outlet's settings were just changed elsewhere (version {v}); saving would be refused. Reload to see them (your changes here are dropped)."],
  'set.reload': ['Muat ulang', 'Reload'],
  'serr.settings_changed': ['Pengaturan outlet ini sudah diubah di tempat lain sejak dimuat, jadi tidak disimpan. Muat ulang, lalu ubah lagi.', "This outlet's settings were changed elsewhere since they were loaded, so nothing was saved. Reload, then edit again."],
  'serr.one_line': ['Kepala struk hanya boleh satu baris.', 'The receipt header must be one line.'],
  'serr.too_long': ['{field}: paling banyak 200 huruf.', '{field}: at most 200 characters.'],
  'serr.zone_unknown': ['Zona waktu harus WIB, WITA atau WIT.', 'The time zone must be WIB, WITA or WIT.'],
  'serr.rule_key': ['Aturan bawaan tanpa kunci; aturan lain perlu kategori, merek atau SKU.', 'The default rule has no key; other rules need a category, brand or SKU.'],
  'serr.markup_negative': ['Markup tidak boleh negatif.', 'A markup cannot be negative.'],
  'serr.markup_too_large': ['Markup persen paling besar 100%.', 'A percent markup is at most 100%.'],
  'serr.rounding_invalid': ['Pembulatan harus ke Rp1, Rp100, Rp500 atau Rp1.000.', 'Rounding must be to Rp1, Rp100, Rp500 or Rp1.000.'],
  'serr.bill_fee_above_cap': ['{field}: biaya admin tidak boleh melebihi batas.', '{field}: a fee cannot be above the cap.'],
  'serr.bill_fee_negative': ['{field}: biaya admin tidak boleh negatif.', '{field}: a fee cannot be negative.'],
  'serr.bill_fee_cap_invalid': ['Batas biaya admin harus antara Rp0 dan Rp50.000.', 'The fee cap must be between Rp0 and Rp50.000.'],
  'serr.number_invalid': ['{field}: isi angka rupiah bulat.', '{field}: enter a whole number of rupiah.'],
  'serr.key_missing': ['Isi kategori, merek atau SKU untuk aturan ini.', 'Fill in the category, brand or SKU of this rule.'],
  'serr.sku_invalid': ['SKU hanya huruf, angka, - dan _ (paling banyak 40).', 'A SKU is letters, digits, - and _ (at most 40).'],
  'serr.key_too_long': ['Merek paling banyak 200 huruf.', 'A brand is at most 200 characters.'],
  'serr.amount_fixed': ['Isi markup dalam rupiah bulat, mis. 1500.', 'Enter the markup in whole rupiah, e.g. 1500.'],
  'serr.amount_percent': ['Isi markup dalam persen, mis. 2,5.', 'Enter the markup as a percent, e.g. 2.5.'],
  'serr.rule_duplicate': ['Sudah ada aturan untuk {rule}; ubah aturan itu saja.', 'There already is a rule for {rule}; edit that one instead.'],
  'serr.default_twice': ['Hanya boleh satu aturan bawaan.', 'There can be only one default rule.'],
  'saldo.title': ['Saldo {shop}', 'Balance — {shop}'],
  'saldo.first_hint': ['Menampilkan outlet pertama. Pilih outlet lain di atas.', 'Showing the first outlet. Pick another outlet above.'],
  'saldo.no_shop': ['Belum ada outlet.', 'No outlets yet.'],
  'saldo.available': ['Tersedia', 'Available'],
  'saldo.held': ['Ditahan', 'Held'],
  'saldo.held_hint': ['untuk transaksi yang sedang diproses', 'for sales in progress'],
  'saldo.balance': ['Total saldo', 'Total balance'],
  'topup.title': ['Isi saldo', 'Top up'],
  'topup.amount': ['Nominal (min. Rp10.000)', 'Amount (min. Rp10.000)'],
  'topup.quick': ['Nominal cepat', 'Quick amounts'],
  'topup.method': ['Metode', 'Method'],
  'topup.va': ['Virtual Account', 'Virtual Account'],
  'topup.bank': ['Bank', 'Bank'],
  'topup.submit': ['Buat tagihan isi saldo', 'Create top-up payment'],
  'topup.created': ['Tagihan isi saldo', 'Top-up payment'],
  'topup.pay_exact': ['Bayar tepat {v}', 'Pay exactly {v}'],
  'topup.va_of': ['Nomor Virtual Account {bank}', '{bank} Virtual Account number'],
  'topup.scan': ['Scan dengan aplikasi bank/e-wallet', 'Scan with a bank or e-wallet app'],
  'topup.qr_text': ['Kode QRIS', 'QRIS code'],
  'topup.expires': ['Bayar sebelum {time}', 'Pay before {time}'],
  'topup.auto': ['Status diperbarui otomatis.', 'The status updates by itself.'],
  'topup.close': ['Tutup', 'Close'],
  'copy.copy': ['Salin', 'Copy'],
  'copy.done': ['Tersalin', 'Copied'],
  'copy.failed': ['Gagal menyalin', 'Copy failed'],
  'err.required': ['Lengkapi semua isian.', 'Please fill in every field.'],
  'err.password_mismatch': ['Kedua kata sandi tidak sama.', 'The passwords do not match.'],
  'err.login_failed': ['Nomor atau kata sandi salah.', 'Wrong phone number or password.'],
  'err.too_many_attempts': ['Terlalu banyak percobaan, coba lagi nanti.', 'Too many attempts, try again later.'],
  'err.setup_code_invalid': ['Kode pengaturan salah atau kedaluwarsa.', 'The setup code is wrong or expired.'],
  'err.password_too_short': ['Kata sandi minimal 8 karakter.', 'The password needs at least 8 characters.'],
  'err.password_too_long': ['Kata sandi terlalu panjang.', 'The password is too long.'],
  'err.phone_invalid': ['Nomor HP tidak valid.', 'That phone number is not valid.'],
  'err.csrf_invalid': ['Token keamanan kedaluwarsa. Muat ulang halaman.', 'Security token expired. Reload the page.'],
  'err.not_found': ['Data tidak ditemukan.', 'Not found.'],
  'err.amount_invalid': ['Nominal tidak valid.', 'That amount is not valid.'],
  'err.amount_too_small': ['Nominal minimal Rp10.000.', 'The minimum is Rp10.000.'],
  'err.amount_too_large': ['Nominal terlalu besar.', 'That amount is too large.'],
  'err.bank_unknown': ['Bank tidak dikenal.', 'Unknown bank.'],
  'err.range_invalid': ['Rentang tanggal tidak valid (maksimal 92 hari).', 'Invalid date range (at most 92 days).'],
  'err.shop_unknown': ['Outlet tidak dikenal.', 'Unknown outlet.'],
  'err.date_invalid': ['Tanggal tidak valid.', 'That date is not valid.'],
  'err.origin_invalid': ['Permintaan dari situs lain ditolak.', 'A request from another site was refused.'],
  'err.deposits_unavailable': ['Isi saldo lewat gateway belum tersedia di server ini.', 'Gateway top-ups are not set up on this server.'],
  'err.gateway_unavailable': ['Gateway pembayaran tidak bisa dihubungi. Coba lagi.', 'The payment gateway could not be reached. Try again.'],
  'err.network': ['Tidak tersambung ke server.', 'Cannot reach the server.'],
  'err.bad_response': ['Jawaban server tidak terbaca.', 'Could not read the server reply.'],
  'err.generic': ['Terjadi kesalahan (HTTP {status}).', 'Something went wrong (HTTP {status}).'],
};

const MONTHS = {
  id: ['Jan', 'Feb', 'Mar', 'Apr', 'Mei', 'Jun', 'Jul', 'Agu', 'Sep', 'Okt', 'Nov', 'Des'],
  en: ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'],
};
const BANKS = /** @type {Record<string, string>} */ ({ bca: 'BCA', bni: 'BNI', bri: 'BRI', permata: 'Permata' });
const ROUTES = /** @type {Route[]} */ (['masuk', 'atur', 'ringkasan', 'saldo', 'pengaturan']);
const SCOPES = /** @type {RuleScope[]} */ (['default', 'category', 'brand', 'product']);
const CATEGORIES = ['pulsa', 'data', 'pln', 'emoney', 'game', 'bill'];
const ROUNDINGS = [1, 100, 500, 1000];
/** The bill kinds in the order the page lists their fees; a key the server adds later follows them. */
const FEE_KEYS = ['pln_pasca', 'bpjs', 'pdam', 'internet', 'multifinance'];
const ZONES = [7, 8, 9];
const SETTINGS_TEXTS = /** @type {const} */ (['receipt_header', 'receipt_footer', 'shop_address', 'shop_phone']);
const MAX_TEXT_CHARS = 200;
const MAX_FEE_IDR = 50_000;
const MAX_MARKUP_PERCENT = 100;
const PRESETS = /** @type {Preset[]} */ (['today', 'yesterday', '7', '30', 'custom']);

// ---------------------------------------------------------------------------------------------
// State. Only the language and the outlet/range choice go to localStorage; never credentials.

const state = {
  /** @type {Lang} */ lang: 'id',
  /** @type {Route} */ route: 'masuk',
  /** @type {Me|null} */ me: null,
  shop: '',
  /** @type {Preset} */ preset: 'today',
  from: '',
  to: '',
  /** @type {SalesReport|null} */ report: null,
  reportKey: '', // what the shown report was asked for (from|to|shop)
  reportJson: '', // the shown report minus generated_at, to skip re-rendering unchanged data
  /** @type {SaldoResponse|null} */ saldo: null,
  saldoShop: '',
  /** @type {{deposit: Deposit, shop: string}|null} */ created: null,
  /** @type {{ringkasan: Date|null, saldo: Date|null, pengaturan: Date|null}} */ updated: { ringkasan: null, saldo: null, pengaturan: null },
  /** Per outlet id. @type {Record<string, SettingsEdit>} */ settings: {},
  settingsSaving: false,
};

/**
 * @param {string} key
 * @param {Record<string, string|number>} [vars]
 */
function t(key, vars) {
  const pair = WORDS[key];
  let s = pair ? pair[state.lang === 'en' ? 1 : 0] : key;
  if (vars) for (const [k, v] of Object.entries(vars)) s = s.replaceAll(`{${k}}`, String(v));
  return s;
}
/** @param {string} key */
const hasWord = (key) => key in WORDS;

// ---------------------------------------------------------------------------------------------
// Formatting.

const pad = (/** @type {number} */ n) => String(n).padStart(2, '0');
const groupThousands = (/** @type {string} */ digits) => digits.replace(/\B(?=(\d{3})+(?!\d))/g, '.');
/** `150000` -> `Rp150.000`, `-5000` -> `-Rp5.000`. @param {number} idr */
const money = (idr) => `${idr < 0 ? '-' : ''}Rp${groupThousands(String(Math.abs(Math.round(idr))))}`;
/** @param {number} idr */
const signedMoney = (idr) => (idr > 0 ? '+' : '') + money(idr);
/** @param {number} n */
const count = (n) => (n < 0 ? '-' : '') + groupThousands(String(Math.abs(Math.round(n))));
/** @param {Date} d */
const isoDate = (d) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
/** @param {string} iso YYYY-MM-DD */
const parseDay = (iso) => {
  const [y, m, d] = iso.split('-').map(Number);
  return new Date(y, m - 1, d);
};
/** @param {string} iso @param {number} n */
const addDays = (iso, n) => {
  const d = parseDay(iso);
  d.setDate(d.getDate() + n);
  return isoDate(d);
};
/** Days from `a` to `b` inclusive. @param {string} a @param {string} b */
const spanDays = (a, b) => Math.round((Date.UTC(...ymd(b)) - Date.UTC(...ymd(a))) / 86_400_000) + 1;
/** @param {string} iso @returns {[number, number, number]} */
function ymd(iso) {
  const [y, m, d] = iso.split('-').map(Number);
  return [y, m - 1, d];
}
/** `2026-12-03` -> `3 Des 2026`; `short` drops the year. @param {string} iso @param {boolean} [short] */
function formatDay(iso, short) {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(iso)) return iso;
  const [y, m, d] = ymd(iso);
  return `${d} ${MONTHS[state.lang][m]}` + (short ? '' : ` ${y}`);
}
/** @param {string} iso RFC 3339 @returns {Date|null} */
function parseTime(iso) {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? null : d;
}
/** Local `HH:MM` (with `:SS` when asked). @param {Date} d @param {boolean} [seconds] */
const clock = (d, seconds) => `${pad(d.getHours())}:${pad(d.getMinutes())}` + (seconds ? `:${pad(d.getSeconds())}` : '');
/** A timestamp for a table: `14:05` today, `3 Des 14:05` this year, else with the year. @param {string|null|undefined} iso */
function stamp(iso) {
  const d = iso ? parseTime(iso) : null;
  if (!d || !iso) return iso ?? '';
  const day = isoDate(d);
  if (day === todayIso()) return clock(d);
  return `${formatDay(day, d.getFullYear() === new Date().getFullYear())} ${clock(d)}`;
}
/** A timestamp for CSV: local `YYYY-MM-DD HH:MM`. @param {string|null|undefined} iso */
function csvStamp(iso) {
  const d = iso ? parseTime(iso) : null;
  return d ? `${isoDate(d)} ${clock(d)}` : iso ?? '';
}
const todayIso = () => isoDate(new Date());

// ---------------------------------------------------------------------------------------------
// DOM helpers. Text always goes in as text nodes, never as HTML.

/** @typedef {Node|string|number|null|undefined|false} Kid */
/**
 * @param {string} tag
 * @param {Record<string, string|number|boolean|null|undefined>} [attrs]
 * @param {...Kid} kids
 */
function h(tag, attrs, ...kids) {
  const el = document.createElement(tag);
  setAttrs(el, attrs);
  el.append(...nodes(kids));
  return el;
}
/** @param {Kid[]} kids @returns {(Node|string)[]} */
const nodes = (kids) => kids.flatMap((k) => (k === null || k === undefined || k === false ? [] : [typeof k === 'number' ? String(k) : k]));
/** @param {string} tag @param {Record<string, string|number|boolean|null|undefined>} [attrs] @param {...Kid} kids */
function svg(tag, attrs, ...kids) {
  const el = document.createElementNS('http://www.w3.org/2000/svg', tag);
  setAttrs(el, attrs);
  el.append(...nodes(kids));
  return el;
}
/** @param {Element} el @param {Record<string, string|number|boolean|null|undefined>} [attrs] */
function setAttrs(el, attrs) {
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') el.setAttribute('class', String(v));
    else el.setAttribute(k, v === true ? '' : String(v));
  }
}
/** @param {string} id */
const byId = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
/** @param {string} testid */
const byTest = (testid) => /** @type {HTMLElement} */ (document.querySelector(`[data-testid="${testid}"]`));
/** @param {HTMLFormElement} form @param {string} name */
const field = (form, name) => /** @type {HTMLInputElement} */ (form.elements.namedItem(name));

// ---------------------------------------------------------------------------------------------
// API.

class ApiError extends Error {
  /** @param {number} status @param {string} code @param {string} message @param {string|null} field */
  constructor(status, code, message, field) {
    super(message || code);
    this.status = status;
    this.code = code;
    this.field = field;
  }
}

/**
 * One JSON call. 204 gives null; non-2xx throws ApiError; a 401 outside login/setup ends the session.
 * @param {'GET'|'POST'} method
 * @param {string} path
 * @param {unknown} [body]
 * @returns {Promise<any>}
 */
async function api(method, path, body) {
  const isAuth = path === '/login' || path === '/setup';
  /** @type {Record<string, string>} */
  const headers = { Accept: 'application/json' };
  if (method === 'POST') {
    headers['Content-Type'] = 'application/json';
    if (!isAuth && state.me) headers['X-CSRF-Token'] = state.me.csrf;
  }
  /** @type {Response} */
  let res;
  try {
    res = await fetch(API + path, {
      method,
      headers,
      credentials: 'same-origin',
      cache: 'no-store',
      body: method === 'POST' ? JSON.stringify(body ?? {}) : undefined,
      signal: AbortSignal.timeout(20_000),
    });
  } catch {
    throw new ApiError(0, 'network', '', null);
  }
  if (res.status === 204) return null;
  /** @type {any} */
  let data = null;
  try {
    data = await res.json();
  } catch {
    if (res.ok) throw new ApiError(res.status, 'bad_response', '', null);
  }
  if (res.ok) return data;
  const code = typeof data?.code === 'string' ? data.code : res.status === 429 ? 'too_many_attempts' : `http_${res.status}`;
  const err = new ApiError(res.status, code, typeof data?.message === 'string' ? data.message : '', data?.field ?? null);
  if (res.status === 401 && !isAuth) sessionEnded();
  throw err;
}

/** A POST with the CSRF token; a stale token is refreshed from /me and the call tried once more. */
async function post(/** @type {string} */ path, /** @type {unknown} */ body) {
  try {
    return await api('POST', path, body);
  } catch (e) {
    if (!(e instanceof ApiError) || e.code !== 'csrf_invalid') throw e;
    setMe(await api('GET', '/me'));
    return api('POST', path, body);
  }
}

/** Words for an error: our translation of the code, else the server's message. @param {unknown} e */
function errorText(e) {
  if (!(e instanceof ApiError)) return t('err.generic', { status: '?' });
  if (hasWord(`err.${e.code}`)) return t(`err.${e.code}`);
  if (!e.message || e.message === e.code) return t('err.generic', { status: e.status });
  // The server writes "Bahasa Indonesia / English"; show the half in the page's language.
  const halves = e.message.split(' / ');
  const text = halves.length === 2 ? halves[state.lang === 'en' ? 1 : 0] : e.message;
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Shows an error under a form and marks the field the server named. @param {HTMLFormElement} form @param {unknown} e */
function showFormError(form, e) {
  if (e instanceof ApiError && e.status === 0 && state.me) setOffline(true); // polling will clear it
  const box = /** @type {HTMLElement} */ (form.querySelector('.error'));
  box.textContent = typeof e === 'string' ? e : errorText(e);
  box.hidden = false;
  const name = e instanceof ApiError ? e.field : null;
  const input = name ? form.elements.namedItem(name) : null;
  if (input instanceof HTMLElement) {
    input.setAttribute('aria-invalid', 'true');
    input.focus();
  }
}
/** @param {HTMLFormElement} form */
function clearFormError(form) {
  const box = /** @type {HTMLElement} */ (form.querySelector('.error'));
  box.hidden = true;
  box.textContent = '';
  for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
}
/** Disables a form's submit button while a request runs. @param {HTMLFormElement} form @param {boolean} busy */
function setBusy(form, busy) {
  const btn = /** @type {HTMLButtonElement} */ (form.querySelector('button[type=submit]'));
  btn.disabled = busy;
  btn.setAttribute('aria-busy', String(busy));
}

/** Connection trouble: a quiet banner, old figures stay. @param {boolean} offline */
function setOffline(offline) {
  const banner = byId('offline-banner');
  banner.textContent = t('status.offline');
  banner.hidden = !offline;
}

// ---------------------------------------------------------------------------------------------
// Session and routing.

/** @param {Me} me */
function setMe(me) {
  state.me = me;
  if (!me.shops.some((s) => s.id === state.shop)) state.shop = '';
  renderHeader();
  renderShopPicker();
}

function clearSession() {
  state.me = null;
  state.report = null;
  state.reportKey = state.reportJson = '';
  state.saldo = null;
  state.saldoShop = '';
  state.created = null;
  state.settings = {};
  state.updated = { ringkasan: null, saldo: null, pengaturan: null };
  window.clearTimeout(pollTimer);
  reportSeq++; // answers still on their way belong to the old session
  saldoSeq++;
  settingsSeq++;
  renderHeader();
  renderSummary();
  renderSaldo();
  renderSettings();
}

function sessionEnded() {
  if (!state.me) return;
  clearSession();
  showNotice(t('auth.session_ended'));
  go('masuk');
}

/** @param {string} text */
function showNotice(text) {
  const el = byId('login-notice');
  el.textContent = text;
  el.hidden = !text;
}

/** @param {Route} route */
function go(route) {
  if (location.hash !== `#/${route}`) location.hash = `#/${route}`;
  else showRoute();
}

/** Shows the screen the hash asks for, or the one the session allows. */
function showRoute() {
  const asked = /** @type {Route} */ (location.hash.replace(/^#\/?/, ''));
  /** @type {Route} */
  let route = ROUTES.includes(asked) ? asked : 'ringkasan';
  if (!state.me) route = route === 'atur' ? 'atur' : 'masuk';
  else if (route !== 'saldo' && route !== 'pengaturan') route = 'ringkasan';
  if (location.hash !== `#/${route}`) history.replaceState(null, '', `#/${route}`);
  const changed = state.route !== route;
  state.route = route;
  byId('boot').hidden = true;
  byId('view-masuk').hidden = route !== 'masuk';
  byId('view-atur').hidden = route !== 'atur';
  byId('view-app').hidden = !state.me;
  byId('view-ringkasan').hidden = route !== 'ringkasan';
  byId('view-saldo').hidden = route !== 'saldo';
  byId('view-pengaturan').hidden = route !== 'pengaturan';
  byId('range-controls').hidden = route !== 'ringkasan';
  byId('sales-csv').hidden = route !== 'ringkasan';
  for (const a of document.querySelectorAll('#nav a')) {
    if (a.getAttribute('data-route') === route) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  if (state.me) {
    renderStatus();
    refresh();
    schedulePoll();
  } else if (changed) {
    const first = /** @type {HTMLElement|null} */ (document.querySelector(`#view-${route} input`));
    first?.focus();
  }
}

// ---------------------------------------------------------------------------------------------
// Loading and polling. Each load has a sequence number so a late answer never overwrites a newer one.

let pollTimer = 0;
let reportSeq = 0;
let saldoSeq = 0;
let settingsSeq = 0;

function schedulePoll() {
  window.clearTimeout(pollTimer);
  if (!state.me) return;
  pollTimer = window.setTimeout(async () => {
    if (document.visibilityState === 'visible') await refresh();
    schedulePoll();
  }, POLL_MS);
}

function refresh() {
  if (!state.me) return Promise.resolve();
  if (state.route === 'pengaturan') return loadSettings(false);
  return state.route === 'saldo' ? loadSaldo() : loadReport();
}

/** What is asked for now; the presets follow the clock (at midnight "today" moves on). */
function currentRange() {
  if (state.preset !== 'custom') [state.from, state.to] = presetRange(state.preset);
  return { from: state.from, to: state.to };
}

/** @param {Exclude<Preset, 'custom'>} preset @returns {[string, string]} */
function presetRange(preset) {
  const today = todayIso();
  if (preset === 'yesterday') return [addDays(today, -1), addDays(today, -1)];
  if (preset === '7') return [addDays(today, -6), today];
  if (preset === '30') return [addDays(today, -29), today];
  return [today, today];
}

/** @param {string} from @param {string} to */
function rangeValid(from, to) {
  const re = /^\d{4}-\d{2}-\d{2}$/;
  return re.test(from) && re.test(to) && from <= to && spanDays(from, to) <= MAX_RANGE_DAYS;
}

/** @param {Record<string, string>} params */
const query = (params) => new URLSearchParams(Object.entries(params).filter(([, v]) => v !== '')).toString();

async function loadReport() {
  const { from, to } = currentRange();
  renderRangeControls();
  const rangeError = byId('range-error');
  if (!rangeValid(from, to)) {
    rangeError.textContent = t('err.range_invalid');
    rangeError.hidden = false;
    return;
  }
  const key = `${from}|${to}|${state.shop}`;
  const seq = ++reportSeq;
  try {
    /** @type {SalesReport} */
    const report = await api('GET', `/report?${query({ from, to, shop: state.shop })}`);
    if (seq !== reportSeq) return;
    rangeError.hidden = true;
    setOffline(false);
    state.updated.ringkasan = new Date();
    const json = JSON.stringify({ ...report, generated_at: '' });
    if (json !== state.reportJson || key !== state.reportKey) {
      state.report = report;
      state.reportJson = json;
      state.reportKey = key;
      keepScroll(renderSummary);
    }
    renderStatus();
  } catch (e) {
    if (seq !== reportSeq) return;
    showLoadError(e, rangeError);
  }
}

async function loadSaldo() {
  const shop = saldoShop();
  if (!shop) return renderSaldo();
  const seq = ++saldoSeq;
  const errorBox = byId('saldo-error');
  try {
    /** @type {SaldoResponse} */
    const saldo = await api('GET', `/saldo?${query({ shop: shop.id })}`);
    if (seq !== saldoSeq) return;
    errorBox.hidden = true;
    setOffline(false);
    state.updated.saldo = new Date();
    if (JSON.stringify(saldo) !== JSON.stringify(state.saldo) || shop.id !== state.saldoShop) {
      state.saldo = saldo;
      state.saldoShop = shop.id;
      keepScroll(renderSaldo);
    }
    renderStatus();
  } catch (e) {
    if (seq !== saldoSeq) return;
    showLoadError(e, errorBox);
  }
}

/** Network trouble and server errors: the banner. A refusal of the question: words near it. @param {unknown} e @param {HTMLElement} box */
function showLoadError(e, box) {
  if (!(e instanceof ApiError) || e.status === 401) return;
  if (e.status === 0 || e.status >= 500) return setOffline(true);
  setOffline(false);
  box.textContent = errorText(e);
  box.hidden = false;
}

/** Re-renders without moving the page. @param {() => void} render */
function keepScroll(render) {
  const y = window.scrollY;
  render();
  if (window.scrollY !== y) window.scrollTo(0, y);
}

function saldoShop() {
  const shops = state.me?.shops ?? [];
  return shops.find((s) => s.id === state.shop) ?? shops[0] ?? null;
}

// ---------------------------------------------------------------------------------------------
// Preferences.

function loadPrefs() {
  try {
    const lang = localStorage.getItem(LS_LANG);
    if (lang === 'id' || lang === 'en') state.lang = lang;
    const view = JSON.parse(localStorage.getItem(LS_VIEW) ?? 'null');
    if (view && typeof view === 'object') {
      if (typeof view.shop === 'string') state.shop = view.shop;
      if (PRESETS.includes(view.preset)) state.preset = view.preset;
      if (state.preset === 'custom' && rangeValid(String(view.from), String(view.to))) [state.from, state.to] = [view.from, view.to];
      else if (state.preset === 'custom') state.preset = 'today';
    }
  } catch {
    /* storage blocked or garbled: defaults */
  }
}

function savePrefs() {
  try {
    localStorage.setItem(LS_LANG, state.lang);
    const { shop, preset, from, to } = state;
    localStorage.setItem(LS_VIEW, JSON.stringify(preset === 'custom' ? { shop, preset, from, to } : { shop, preset }));
  } catch {
    /* storage blocked: the choice lasts this visit */
  }
}

// ---------------------------------------------------------------------------------------------
// Rendering: header, controls, status.

function applyLang() {
  document.documentElement.lang = state.lang;
  document.title = t('app.title');
  for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(el.getAttribute('data-i18n') ?? '');
  for (const el of document.querySelectorAll('[data-i18n-aria]')) el.setAttribute('aria-label', t(el.getAttribute('data-i18n-aria') ?? ''));
  const toggle = byId('lang-toggle');
  toggle.textContent = t('lang.other');
  toggle.title = t('lang.other_label');
  toggle.setAttribute('lang', state.lang === 'id' ? 'en' : 'id');
  if (!byId('offline-banner').hidden) setOffline(true);
  renderShopPicker();
  renderStatus();
  renderSummary();
  renderSaldo();
  renderSettings();
}

function renderHeader() {
  const me = state.me;
  const who = byId('who');
  who.hidden = !me;
  who.textContent = me ? [me.shops.length === 1 ? me.shops[0].name : '', formatPhone(me.phone)].filter(Boolean).join(' · ') : '';
  byId('nav').hidden = !me;
  byId('logout').hidden = !me;
}

/** @param {string} phone */
const formatPhone = (phone) => (/^0\d{9,12}$/.test(phone) ? phone.replace(/(\d{4})(?=\d)/g, '$1-') : phone);

function renderShopPicker() {
  const picker = /** @type {HTMLSelectElement} */ (byId('shop-picker'));
  const shops = state.me?.shops ?? [];
  picker.replaceChildren(
    h('option', { value: '' }, t('ctl.all')),
    ...shops.map((s) => h('option', { value: s.id }, s.code && s.code !== s.name ? `${s.name} (${s.code})` : s.name)),
  );
  picker.value = state.shop;
}

function renderRangeControls() {
  for (const btn of document.querySelectorAll('[data-range]')) btn.setAttribute('aria-pressed', String(btn.getAttribute('data-range') === state.preset));
  const from = /** @type {HTMLInputElement} */ (byId('range-from'));
  const to = /** @type {HTMLInputElement} */ (byId('range-to'));
  if (document.activeElement !== from) from.value = state.from;
  if (document.activeElement !== to) to.value = state.to;
  const link = /** @type {HTMLAnchorElement} */ (byId('sales-csv'));
  link.href = `${API}/sales.csv?${query({ from: state.from, to: state.to, shop: state.shop })}`;
  link.download = `konter-penjualan-${state.from}_${state.to}.csv`;
}

function renderStatus() {
  const when = state.route === 'saldo' ? state.updated.saldo : state.route === 'pengaturan' ? state.updated.pengaturan : state.updated.ringkasan;
  byId('updated-at').textContent = when ? t('status.updated', { time: clock(when, true) }) : state.me ? t('status.never') : '';
  const r = state.report;
  byId('period').textContent =
    state.route === 'ringkasan' && r ? (r.from === r.to ? formatDay(r.from) : `${formatDay(r.from)} – ${formatDay(r.to)}`) : '';
}

// ---------------------------------------------------------------------------------------------
// Rendering: summary.

function renderSummary() {
  const r = state.report;
  const tot = r?.totals;
  const view = byId('view-ringkasan');
  view.classList.toggle('stale', !!r && state.reportKey !== `${state.from}|${state.to}|${state.shop}`);
  const set = (/** @type {string} */ id, /** @type {string} */ text) => (byTest(id).textContent = tot ? text : '—');
  set('card-omzet', money(tot?.omzet_idr ?? 0));
  set('card-modal', money(tot?.modal_idr ?? 0));
  set('card-laba', money(tot?.laba_idr ?? 0));
  set('card-count', count(tot?.count ?? 0));
  set('card-pending', count(tot?.pending_count ?? 0));
  set('card-failed', count(tot?.failed_count ?? 0));
  set('card-fee', money(tot?.fee_idr ?? 0));
  const margin = tot && tot.omzet_idr > 0 ? (tot.laba_idr / tot.omzet_idr) * 100 : null;
  byId('sub-laba').textContent = margin === null ? '' : t('card.margin', { p: `${margin.toLocaleString(state.lang === 'en' ? 'en' : 'id', { maximumFractionDigits: 1 })}%` });
  byId('sub-pending').textContent = tot && tot.pending_count ? money(tot.pending_idr) : '';
  byId('sub-failed').textContent = tot && tot.refunded_count ? t('card.refunded', { n: count(tot.refunded_count) }) : '';

  const hourly = Array.from({ length: 24 }, (_, hour) => r?.hourly.find((x) => x.hour === hour) ?? { hour, count: 0, omzet_idr: 0 });
  drawBars(byId('chart-hourly'), byId('max-hourly'), hourly.map((x) => ({
    value: x.omzet_idr,
    label: x.hour % 3 === 0 ? pad(x.hour) : '',
    title: `${pad(x.hour)}:00–${pad(x.hour)}:59 · ${money(x.omzet_idr)} · ${t('chart.tx', { n: count(x.count) })}`,
  })));
  const daily = r?.daily ?? [];
  byId('daily-figure').hidden = daily.length <= 1;
  const every = Math.max(1, Math.ceil(daily.length / 7));
  drawBars(byId('chart-daily'), byId('max-daily'), daily.map((x, i) => ({
    value: x.omzet_idr,
    label: i % every === 0 || i === daily.length - 1 ? formatDay(x.day, true) : '',
    title: `${formatDay(x.day)} · ${money(x.omzet_idr)} · ${t('chart.tx', { n: count(x.count) })} · ${t('chart.profit', { v: money(x.laba_idr) })}`,
  })));

  for (const def of SUMMARY_TABLES) fillTable(def, r ? def.rows(r) : []);
  renderStatus();
}

/**
 * Bars drawn as an inline SVG that stretches to its box; the axis labels are HTML so text never stretches.
 * @param {HTMLElement} box
 * @param {HTMLElement} maxLabel
 * @param {{value: number, label: string, title: string}[]} bars
 */
function drawBars(box, maxLabel, bars) {
  const max = Math.max(0, ...bars.map((b) => b.value));
  const n = Math.max(bars.length, 1);
  maxLabel.textContent = max > 0 ? t('chart.max', { v: money(max) }) : '';
  const chart = svg('svg', { viewBox: `0 0 ${n * 10} 100`, preserveAspectRatio: 'none', 'aria-hidden': 'true', focusable: 'false' },
    ...[25, 50, 75].map((y) => svg('line', { x1: 0, x2: n * 10, y1: y, y2: y, class: 'grid' })),
    svg('line', { x1: 0, x2: n * 10, y1: 99.5, y2: 99.5, class: 'base' }),
    ...bars.map((b, i) => {
      const height = max > 0 ? Math.max(b.value > 0 ? 1 : 0, (b.value / max) * 96) : 0;
      return svg('g', { class: 'bar' },
        svg('title', {}, b.title),
        svg('rect', { x: i * 10, y: 0, width: 10, height: 100, class: 'hit' }),
        svg('rect', { x: i * 10 + 1.5, y: 100 - height, width: 7, height, class: b.value < 0 ? 'neg' : 'val' }));
    }));
  const axis = h('div', { class: 'axis', 'aria-hidden': 'true' }, ...bars.map((b) => h('span', {}, b.label)));
  axis.style.gridTemplateColumns = `repeat(${n}, minmax(0, 1fr))`; // CSSOM, so a strict CSP allows it
  const list = h('ul', { class: 'sr-only' }, ...bars.map((b) => h('li', {}, b.title)));
  box.replaceChildren(chart, axis, list);
}

// ---------------------------------------------------------------------------------------------
// Tables: one description per table gives the screen columns and the CSV columns alike.

/**
 * @template T
 * @typedef {{head: string, kind: 'text'|'money'|'count'|'time', get: (row: T) => string|number|null,
 *   show?: (row: T) => Kid, csvOnly?: boolean, total?: boolean, wrap?: boolean}} Col
 */
/**
 * @template T
 * @typedef {{name: string, file: string, title: string, wide?: boolean, csv: boolean, cols: Col<T>[], rows: (r: SalesReport) => T[], totals?: boolean}} TableDef
 */

/** @param {string} headKey @param {(row: Row) => string} [label] @returns {Col<Row>[]} */
function rowCols(headKey, label) {
  return [
    { head: headKey, kind: 'text', get: label ?? ((r) => r.label) },
    { head: 'col.count', kind: 'count', get: (r) => r.count, total: true },
    { head: 'col.omzet', kind: 'money', get: (r) => r.omzet_idr, total: true },
    { head: 'col.modal', kind: 'money', get: (r) => r.modal_idr, total: true },
    { head: 'col.laba', kind: 'money', get: (r) => r.laba_idr, total: true },
  ];
}

/** Known category keys in the page's language; otherwise the server's label. @param {Row} row */
const categoryLabel = (row) => (state.lang === 'en' && hasWord(`cat.${row.key}`) ? t(`cat.${row.key}`) : row.label);

/** @param {string} status */
const statusBadge = (status) => h('span', { class: `badge st-${status}` }, hasWord(`st.${status}`) ? t(`st.${status}`) : status);
/** @param {string} status */
const statusWord = (status) => (hasWord(`st.${status}`) ? t(`st.${status}`) : status);

/** @param {number} diff */
function cashDifference(diff) {
  if (diff === 0) return h('span', { class: 'diff' }, money(0));
  const short = diff < 0;
  return h('span', { class: short ? 'diff diff-short' : 'diff diff-over' }, signedMoney(diff), ' ', h('small', {}, t(short ? 'diff.short' : 'diff.over')));
}

/** @type {TableDef<any>[]} */
const SUMMARY_TABLES = [
  /** @type {TableDef<Row>} */ ({ name: 'shop', file: 'outlet', title: 'table.shop', csv: true, totals: true, cols: rowCols('col.outlet'), rows: (r) => r.by_shop }),
  /** @type {TableDef<Row>} */ ({ name: 'device', file: 'perangkat', title: 'table.device', csv: true, totals: true, cols: rowCols('col.device'), rows: (r) => r.by_device }),
  /** @type {TableDef<Row>} */ ({ name: 'cashier', file: 'kasir', title: 'table.cashier', csv: true, totals: true, cols: rowCols('col.cashier'), rows: (r) => r.by_cashier }),
  /** @type {TableDef<Row>} */ ({ name: 'category', file: 'kategori', title: 'table.category', csv: true, totals: true, cols: rowCols('col.category', categoryLabel), rows: (r) => r.by_category }),
  /** @type {TableDef<Row>} */ ({ name: 'product', file: 'produk', title: 'table.product', wide: true, csv: true, totals: true, cols: rowCols('col.product'), rows: (r) => r.by_product }),
  /** @type {TableDef<Row & {fee_idr: number}>} */ ({
    name: 'bills', file: 'tagihan', title: 'table.bills', csv: true,
    cols: [...rowCols('col.name'), { head: 'col.fee', kind: 'money', get: (r) => r.fee_idr }],
    rows: (r) => (r.bills ? [{ ...r.bills, label: categoryLabel(r.bills), fee_idr: r.totals.fee_idr }] : []),
  }),
  /** @type {TableDef<Refund>} */ ({
    name: 'refunds', file: 'refund', title: 'table.refunds', csv: true,
    cols: [
      { head: 'col.time', kind: 'time', get: (r) => r.refunded_at },
      { head: 'col.outlet', kind: 'text', get: (r) => r.shop },
      { head: 'col.product', kind: 'text', get: (r) => r.product },
      { head: 'col.price', kind: 'money', get: (r) => r.price_idr, total: true },
      { head: 'col.modal', kind: 'money', get: (r) => r.cost_idr, total: true },
      { head: 'col.order', kind: 'text', get: (r) => r.order_id, csvOnly: true },
    ],
    rows: (r) => r.refunds,
  }),
  /** @type {TableDef<Problem>} */ ({
    name: 'problems', file: 'pending-gagal', title: 'table.problems', wide: true, csv: true,
    cols: [
      { head: 'col.time', kind: 'time', get: (r) => r.sold_at },
      { head: 'col.status', kind: 'text', get: (r) => statusWord(r.status), show: (r) => statusBadge(r.status) },
      { head: 'col.product', kind: 'text', get: (r) => r.product },
      { head: 'col.target', kind: 'text', get: (r) => r.target },
      { head: 'col.price', kind: 'money', get: (r) => r.price_idr },
      { head: 'col.reason', kind: 'text', get: (r) => r.reason, wrap: true },
      { head: 'col.outlet', kind: 'text', get: (r) => r.shop },
      { head: 'col.device', kind: 'text', get: (r) => r.device },
      { head: 'col.cashier', kind: 'text', get: (r) => r.cashier },
      { head: 'col.order', kind: 'text', get: (r) => r.order_id, csvOnly: true },
    ],
    rows: (r) => r.problems,
  }),
  /** @type {TableDef<Shift>} */ ({
    name: 'shifts', file: 'tutup-shift', title: 'table.shifts', wide: true, csv: true,
    cols: [
      { head: 'col.closed', kind: 'time', get: (r) => r.closed_at },
      { head: 'col.outlet', kind: 'text', get: (r) => r.shop },
      { head: 'col.cashier', kind: 'text', get: (r) => r.cashier },
      { head: 'col.difference', kind: 'money', get: (r) => r.difference_idr, show: (r) => cashDifference(r.difference_idr) },
      { head: 'col.counted', kind: 'money', get: (r) => r.counted_cash_idr },
      { head: 'col.expected', kind: 'money', get: (r) => r.expected_cash_idr },
      { head: 'col.opening_cash', kind: 'money', get: (r) => r.opening_cash_idr },
      { head: 'col.opened', kind: 'time', get: (r) => r.opened_at },
      { head: 'col.device', kind: 'text', get: (r) => r.device },
      { head: 'col.closed_by', kind: 'text', get: (r) => r.closed_by },
      { head: 'col.shift', kind: 'text', get: (r) => r.id, csvOnly: true },
    ],
    rows: (r) => r.shifts,
  }),
];

/** The saldo tables read from the saldo answer, not the report; `rows` is unused for them. */
/** @type {TableDef<any>[]} */
const SALDO_TABLES = [
  /** @type {TableDef<Deposit>} */ ({
    name: 'deposits', file: 'isi-saldo', title: 'table.deposits', wide: true, csv: false, rows: () => [],
    cols: [
      { head: 'col.time', kind: 'time', get: (d) => d.created_at },
      { head: 'col.amount', kind: 'money', get: (d) => d.amount_idr },
      { head: 'col.method', kind: 'text', get: (d) => (d.method === 'va' ? `VA ${BANKS[d.bank ?? ''] ?? d.bank ?? ''}`.trim() : 'QRIS') },
      { head: 'col.status', kind: 'text', get: (d) => statusWord(d.status), show: (d) => statusBadge(d.status) },
      { head: 'col.expires', kind: 'time', get: (d) => (d.status === 'pending' ? d.expires_at ?? null : null) },
    ],
  }),
  /** @type {TableDef<HistoryEntry>} */ ({
    name: 'history', file: 'mutasi-saldo', title: 'table.history', wide: true, csv: false, rows: () => [],
    cols: [
      { head: 'col.time', kind: 'time', get: (x) => x.at },
      { head: 'col.amount', kind: 'money', get: (x) => x.amount_idr, show: (x) => h('span', { class: x.amount_idr < 0 ? 'minus' : x.amount_idr > 0 ? 'plus' : '' }, signedMoney(x.amount_idr)) },
      { head: 'col.ref', kind: 'text', get: (x) => (hasWord(`reason.${x.reason}`) ? t(`reason.${x.reason}`) : x.reason), wrap: true },
      { head: 'col.available_after', kind: 'money', get: (x) => x.saldo.available_idr },
      { head: 'col.balance_after', kind: 'money', get: (x) => x.saldo.balance_idr },
      { head: 'col.reference', kind: 'text', get: historyRef, wrap: true },
    ],
  }),
];

/** @param {HistoryEntry} x */
function historyRef(x) {
  if (x.reference) return x.reference;
  if (x.order_id) return t('ref.order', { id: x.order_id.slice(0, 8) });
  if (x.deposit_id) return t('ref.deposit', { id: x.deposit_id.slice(0, 8) });
  return '';
}

/** Builds each table's panel once (heading, CSV button, scroll box); fillTable fills it. @param {HTMLElement} host @param {TableDef<any>[]} defs */
function mountTables(host, defs) {
  for (const def of defs) {
    const title = h('h2', { 'data-i18n': def.title }, t(def.title));
    const csv = def.csv
      ? h('button', { type: 'button', class: 'small', 'data-testid': `csv-${def.name}` }, 'CSV', h('span', { class: 'sr-only', 'data-i18n': def.title }, t(def.title)))
      : null;
    csv?.addEventListener('click', () => exportCsv(def));
    host.append(h('section', { class: def.wide ? 'card panel wide' : 'card panel' },
      h('div', { class: 'panel-head' }, title, csv),
      h('div', { class: 'scroll', tabindex: 0, role: 'region', 'aria-label': t(def.title), 'data-i18n-aria': def.title },
        h('table', { 'data-testid': `table-${def.name}` }))));
  }
}

/** @template T @param {TableDef<T>} def @param {T[]} rows */
function fillTable(def, rows) {
  const table = byTest(`table-${def.name}`);
  const cols = def.cols.filter((c) => !c.csvOnly);
  const numeric = (/** @type {Col<T>} */ c) => c.kind === 'money' || c.kind === 'count';
  const cellClass = (/** @type {Col<T>} */ c) => [numeric(c) ? 'num' : '', c.wrap ? 'wrap' : ''].filter(Boolean).join(' ') || null;
  const head = h('thead', {}, h('tr', {}, ...cols.map((c) => h('th', { scope: 'col', class: cellClass(c) }, t(c.head)))));
  const body = h('tbody', {});
  for (const row of rows) body.append(h('tr', {}, ...cols.map((c) => h('td', { class: cellClass(c) }, c.show ? c.show(row) : display(c, row)))));
  if (!rows.length) body.append(h('tr', {}, h('td', { colspan: cols.length, class: 'empty' }, t('table.empty'))));
  const foot = h('tfoot', {});
  if (def.totals && rows.length > 1) {
    foot.append(h('tr', {}, ...cols.map((c, i) => {
      if (i === 0) return h('th', { scope: 'row' }, t('table.total'));
      if (!c.total) return h('td', {});
      const sum = rows.reduce((acc, row) => acc + Number(c.get(row) ?? 0), 0);
      return h('td', { class: 'num' }, c.kind === 'money' ? money(sum) : count(sum));
    })));
  }
  table.replaceChildren(head, body, foot);
}

/** @template T @param {Col<T>} col @param {T} row @returns {string} */
function display(col, row) {
  const v = col.get(row);
  if (v === null || v === undefined) return '';
  if (col.kind === 'money') return money(Number(v));
  if (col.kind === 'count') return count(Number(v));
  if (col.kind === 'time') return stamp(String(v));
  return String(v);
}

/** @param {TableDef<any>} def */
function exportCsv(def) {
  const r = state.report;
  if (!r) return;
  const cols = def.cols;
  const lines = [cols.map((c) => t(c.head)), ...def.rows(r).map((row) => cols.map((c) => (c.kind === 'time' ? csvStamp(/** @type {string|null} */ (c.get(row))) : c.get(row))))];
  downloadCsv(`konter-${def.file}-${r.from}_${r.to}.csv`, lines);
}

/** A spreadsheet-safe cell: quoted when needed; text that looks like a formula gets a leading apostrophe. @param {string|number|null|undefined} v */
function csvCell(v) {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return String(v);
  const s = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** @param {string} filename @param {(string|number|null)[][]} lines */
function downloadCsv(filename, lines) {
  const text = '\uFEFF' + lines.map((line) => line.map(csvCell).join(',')).join('\r\n') + '\r\n';
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  const a = h('a', { href: url, download: filename, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}

// ---------------------------------------------------------------------------------------------
// Rendering: saldo and top-up.

function renderSaldo() {
  const shops = state.me?.shops ?? [];
  const shop = saldoShop();
  byId('saldo-title').textContent = shop ? t('saldo.title', { shop: shop.name }) : t('saldo.no_shop');
  const hint = byId('saldo-hint');
  hint.textContent = t('saldo.first_hint');
  hint.hidden = !(shop && state.shop === '' && shops.length > 1);
  byId('saldo-body').hidden = !shop;
  const data = shop && state.saldoShop === shop.id ? state.saldo : null;
  byId('view-saldo').classList.toggle('stale', !!state.saldo && !data);
  const s = data?.saldo ?? state.saldo?.saldo;
  byTest('saldo-available').textContent = s ? money(s.available_idr) : '—';
  byTest('saldo-held').textContent = s ? money(s.held_idr) : '—';
  byTest('saldo-balance').textContent = s ? money(s.balance_idr) : '—';
  fillTable(SALDO_TABLES[0], data?.deposits ?? []);
  fillTable(SALDO_TABLES[1], data?.history ?? []);
  renderDepositResult();
}

let shownDeposit = ''; // what the result box shows; unchanged boxes are left alone so a copy button keeps focus

function renderDepositResult() {
  const box = byTest('deposit-result');
  const created = state.created;
  if (!created || created.shop !== saldoShop()?.id) {
    box.hidden = true;
    box.replaceChildren();
    shownDeposit = '';
    return;
  }
  // The deposits list on the next poll carries the fresh status.
  const fresh = state.saldo?.deposits.find((d) => d.id === created.deposit.id);
  const d = fresh ? { ...created.deposit, ...fresh } : created.deposit;
  const key = JSON.stringify([state.lang, d]);
  if (key === shownDeposit) return;
  shownDeposit = key;
  const expires = d.expires_at ? parseTime(d.expires_at) : null;
  const close = h('button', { type: 'button', class: 'small ghost' }, t('topup.close'));
  close.addEventListener('click', () => {
    state.created = null;
    renderDepositResult();
  });
  /** @type {Kid[]} */
  let how = [];
  if (d.method === 'va') {
    const bank = BANKS[d.bank ?? ''] ?? (d.bank ?? '').toUpperCase();
    const number = d.va_number ?? '';
    how = [h('p', { class: 'muted' }, t('topup.va_of', { bank })),
      h('div', { class: 'copy-row' }, h('strong', { class: 'va-number', 'data-testid': 'deposit-va' }, number.replace(/(\d{4})(?=\d)/g, '$1 ')), copyButton(number))];
  } else {
    const qr = d.qr_string ?? '';
    how = [h('p', {}, t('topup.scan')),
      h('p', { class: 'muted small-text' }, t('topup.qr_text')),
      h('div', { class: 'copy-row' }, h('code', { class: 'qr-text', 'data-testid': 'deposit-qr' }, qr), copyButton(qr))];
  }
  box.replaceChildren(...nodes([
    h('div', { class: 'panel-head' }, h('h2', {}, t('topup.created')), statusBadge(d.status), close),
    h('p', { class: 'pay-amount' }, t('topup.pay_exact', { v: money(d.amount_idr) })),
    ...how,
    expires && d.status === 'pending' ? h('p', { class: 'expires' }, t('topup.expires', { time: stamp(d.expires_at) })) : null,
    d.status === 'pending' ? h('p', { class: 'muted small-text' }, t('topup.auto')) : null,
  ]));
  box.hidden = false;
}

/** @param {string} text */
function copyButton(text) {
  const btn = h('button', { type: 'button', class: 'small' }, t('copy.copy'));
  btn.addEventListener('click', async () => {
    let ok = false;
    try {
      await navigator.clipboard.writeText(text);
      ok = true;
    } catch {
      ok = legacyCopy(text);
    }
    btn.textContent = t(ok ? 'copy.done' : 'copy.failed');
    setTimeout(() => (btn.textContent = t('copy.copy')), 2000);
  });
  return btn;
}

/** Clipboard for plain-http pages, where navigator.clipboard is missing. @param {string} text */
function legacyCopy(text) {
  const area = /** @type {HTMLTextAreaElement} */ (h('textarea', { readonly: true, class: 'sr-only' }));
  area.value = text;
  document.body.append(area);
  area.select();
  let ok = false;
  try {
    ok = document.execCommand('copy');
  } catch {
    ok = false;
  }
  area.remove();
  return ok;
}

// ---------------------------------------------------------------------------------------------
// Shop settings: one outlet's selling-price rules, bill fees, receipt texts and zone. The owner's
// edits are kept per outlet (picking another outlet keeps them) until saved or discarded; Save
// sends the whole object with the version it was loaded at (409 when someone saved first).

/** @param {ShopSettings} s @returns {SettingsForm} */
function formOf(s) {
  /** @type {SettingsForm} */
  const form = { cap: String(s.bill_fees.cap_idr) };
  for (const key of feeKeys(s)) form[`fee.${key}`] = String(s.bill_fees.fees[key]);
  for (const name of SETTINGS_TEXTS) form[name] = s[name];
  // The header is one line; one with a line break (older data) shows, and is saved, as one line.
  if (/[\r\n]/.test(form.receipt_header)) form.receipt_header = form.receipt_header.replace(/\s*[\r\n]+\s*/g, ' ').trim();
  form.zone = String(s.utc_offset_h);
  return form;
}

/** The fee keys the server sent, the known ones in their order first. @param {ShopSettings} s */
function feeKeys(s) {
  const keys = Object.keys(s.bill_fees.fees);
  return [...FEE_KEYS.filter((k) => keys.includes(k)), ...keys.filter((k) => !FEE_KEYS.includes(k)).sort()];
}

/** @param {ShopSettings} s @returns {SettingsEdit} */
const editOf = (s) => ({ base: s, rules: structuredClone(s.price_rules), form: formOf(s), draft: null, ruleError: '', msg: null });

/** @param {SettingsEdit} edit */
const settingsDirty = (edit) =>
  edit.draft !== null ||
  JSON.stringify(edit.rules) !== JSON.stringify(edit.base.price_rules) ||
  JSON.stringify(edit.form) !== JSON.stringify(formOf(edit.base));

/** The shown outlet's settings, once loaded. */
function currentEdit() {
  const shop = saldoShop();
  return shop ? state.settings[shop.id] ?? null : null;
}

/** @param {string} key */
const feeName = (key) => (hasWord(`fee.${key}`) ? t(`fee.${key}`) : key);
/** @param {string} key */
const categoryName = (key) => (CATEGORIES.includes(key) ? t(`cat.${key}`) : key);
/** @param {RuleScope} scope */
const scopeShort = (scope) => t(scope === 'default' ? 'scope.default_short' : scope === 'product' ? 'scope.product_short' : `scope.${scope}`);
/** `Kategori · Pulsa`, `Merek · DANA`. @param {{scope: RuleScope, key: string}} r */
const ruleName = (r) =>
  `${scopeShort(r.scope)} · ${r.scope === 'default' ? t('scope.all_products') : r.scope === 'category' ? categoryName(r.key) : r.key}`;
/** `+Rp1.500`, `+2,5%`. @param {Markup} m */
const markupText = (m) => (m.kind === 'fixed' ? `+${money(m.idr)}` : `+${state.lang === 'id' ? m.percent.replace('.', ',') : m.percent}%`);

/** What a field the server (or the page) names is called on the page. @param {string|null} f */
function fieldName(f) {
  if (!f) return '';
  /** @type {Record<string, string>} */
  const words = {
    receipt_header: 'set.header_name', receipt_footer: 'set.footer_name', shop_address: 'set.address', shop_phone: 'set.phone',
    utc_offset_h: 'set.zone', price_rules: 'set.rules', bill_fees: 'set.fees', bill_fee_cap_idr: 'set.fee_cap_name',
  };
  if (f.startsWith('bill_fees.')) return feeName(f.slice('bill_fees.'.length));
  return words[f] ? t(words[f]) : f;
}

/** The section and the input a field belongs to. @param {string|null} f */
function settingsPlace(f) {
  const form = byId('settings-form');
  if (!f) return { section: null, input: null };
  /** @type {Record<string, string>} */
  const inputs = { receipt_header: 'receipt_header', receipt_footer: 'receipt_footer', shop_address: 'shop_address', shop_phone: 'shop_phone', utc_offset_h: 'zone', bill_fee_cap_idr: 'cap' };
  const name = f.startsWith('bill_fees.') ? `fee.${f.slice('bill_fees.'.length)}` : inputs[f];
  const input = name ? /** @type {HTMLElement|null} */ (form.querySelector(`[name="${CSS.escape(name)}"]`)) : null;
  const texts = /** @type {readonly string[]} */ (SETTINGS_TEXTS);
  const id = f === 'price_rules' ? 'sec-price_rules' : f.startsWith('bill_fee') ? 'sec-bill_fees' : f === 'utc_offset_h' ? 'sec-utc_offset_h' : texts.includes(f) ? 'sec-receipt' : '';
  return { section: id ? byId(id) : null, input };
}

/** Words for a settings error: ours for the codes we know, else the server's half in the page's language. @param {unknown} e */
function settingsErrorText(e) {
  if (!(e instanceof ApiError)) return errorText(e);
  const name = fieldName(e.field);
  if (hasWord(`serr.${e.code}`)) return t(`serr.${e.code}`, { field: name });
  if (hasWord(`err.${e.code}`) || !e.message || e.message === e.code) return errorText(e);
  const halves = e.message.split(' / ');
  const text = (halves.length === 2 ? halves[state.lang === 'en' ? 1 : 0] : e.message).replace(/^[a-z_.]+: /, '');
  return name ? `${name}: ${text}` : text.charAt(0).toUpperCase() + text.slice(1);
}

function renderSettings() {
  const shops = state.me?.shops ?? [];
  const shop = saldoShop();
  byId('settings-title').textContent = shop ? t('set.title', { shop: shop.name }) : t('saldo.no_shop');
  const hint = byId('settings-hint');
  hint.textContent = t('saldo.first_hint');
  hint.hidden = !(shop && state.shop === '' && shops.length > 1);
  const edit = currentEdit();
  const form = /** @type {HTMLFormElement} */ (byId('settings-form'));
  form.hidden = !edit;
  if (!edit || !shop) return;
  byId('settings-version').textContent = String(edit.base.version);
  byId('settings-never').hidden = edit.base.version !== 0;
  byId('header-hint').textContent = t('set.header_hint', { shop: shop.name });
  renderRules(edit);
  renderRuleEditor(edit);
  renderFees(edit);
  for (const name of ['cap', ...SETTINGS_TEXTS, 'zone']) field(form, name).value = edit.form[name] ?? '';
  renderSettingsMsg(edit);
  renderDirty(edit);
  setBusy(form, state.settingsSaving);
}

/** @param {SettingsEdit} edit */
function renderRules(edit) {
  const order = (/** @type {SellingRule} */ r) => SCOPES.indexOf(r.scope);
  const rows = edit.rules
    .map((rule, index) => ({ rule, index }))
    .sort((a, b) => order(a.rule) - order(b.rule) || a.rule.key.localeCompare(b.rule.key));
  const head = h('thead', {}, h('tr', {},
    h('th', { scope: 'col' }, t('set.col_rule')),
    h('th', { scope: 'col', class: 'num' }, t('set.col_markup')),
    h('th', { scope: 'col', class: 'num' }, t('set.col_round')),
    h('th', { scope: 'col' }, h('span', { class: 'sr-only' }, t('set.col_actions')))));
  const body = h('tbody', {});
  for (const { rule, index } of rows) {
    const name = ruleName(rule);
    const change = h('button', { type: 'button', class: 'small', 'data-testid': 'rule-edit', 'aria-label': `${t('set.rule_edit')}: ${name}` }, t('set.rule_edit'));
    const remove = h('button', { type: 'button', class: 'small', 'data-testid': 'rule-delete', 'aria-label': `${t('set.rule_delete')}: ${name}` }, t('set.rule_delete'));
    change.addEventListener('click', () => openRule(index));
    remove.addEventListener('click', () => deleteRule(index));
    body.append(h('tr', { 'data-testid': 'rule-row', 'data-scope': rule.scope, 'data-key': rule.key, class: edit.draft?.index === index ? 'editing' : null },
      h('td', { class: 'wrap' }, name),
      h('td', { class: 'num' }, markupText(rule.markup)),
      h('td', { class: 'num', 'data-label': t('set.round_short') }, money(rule.round_to)),
      h('td', { class: 'actions' }, change, remove)));
  }
  if (!rows.length) body.append(h('tr', {}, h('td', { colspan: 4, class: 'empty wrap' }, t('set.rules_empty'))));
  byId('rules-table').replaceChildren(head, body);
  byTest('rule-add').hidden = edit.draft !== null;
}

/** Opens the rule editor on rule `index`, or on a new rule (-1). @param {number} index */
function openRule(index) {
  const edit = currentEdit();
  if (!edit) return;
  const rule = edit.rules[index];
  edit.draft = rule
    ? { index, scope: rule.scope, key: rule.key, kind: rule.markup.kind, amount: rule.markup.kind === 'fixed' ? String(rule.markup.idr) : rule.markup.percent, round: String(rule.round_to) }
    : { index: -1, scope: edit.rules.some((r) => r.scope === 'default') ? 'category' : 'default', key: '', kind: 'fixed', amount: '', round: '500' };
  if (edit.draft.scope === 'category' && !CATEGORIES.includes(edit.draft.key)) edit.draft.key = CATEGORIES[0];
  edit.ruleError = '';
  if (edit.msg && 'saved' in edit.msg) edit.msg = null;
  renderRules(edit);
  renderRuleEditor(edit);
  renderSettingsMsg(edit);
  renderDirty(edit);
  byTest('rule-scope').focus();
}

/** @param {number} index */
function deleteRule(index) {
  const edit = currentEdit();
  if (!edit) return;
  edit.rules.splice(index, 1);
  if (edit.draft?.index === index) edit.draft = null;
  else if (edit.draft && edit.draft.index > index) edit.draft.index -= 1;
  rulesChanged(edit);
  renderRules(edit);
  renderRuleEditor(edit);
  renderSettingsMsg(edit);
  renderDirty(edit);
  byTest('rule-add').focus();
}

/** @param {SettingsEdit} edit */
function closeRule(edit) {
  edit.draft = null;
  edit.ruleError = '';
  renderRules(edit);
  renderRuleEditor(edit);
  renderDirty(edit);
  byTest('rule-add').focus();
}

/**
 * @param {string} label
 * @param {HTMLElement} control
 */
const labelled = (label, control) => h('label', { class: 'field' }, h('span', {}, label), control);

/** The rule editor, rebuilt from the draft (a change of scope or kind changes its fields). @param {SettingsEdit} edit */
function renderRuleEditor(edit) {
  const box = byId('rule-editor');
  const d = edit.draft;
  box.hidden = !d;
  if (!d) return box.replaceChildren();
  const otherDefault = edit.rules.some((r, i) => r.scope === 'default' && i !== d.index);
  const scope = /** @type {HTMLSelectElement} */ (h('select', { 'data-testid': 'rule-scope' },
    ...SCOPES.map((s) => h('option', { value: s, disabled: s === 'default' && otherDefault }, t(`scope.${s}`)))));
  scope.value = d.scope;
  scope.addEventListener('change', () => {
    const next = /** @type {RuleScope} */ (scope.value);
    if (next === 'category' && !CATEGORIES.includes(d.key)) d.key = CATEGORIES[0];
    else if (d.scope === 'category' && next !== 'category') d.key = '';
    d.scope = next;
    edit.ruleError = '';
    renderRuleEditor(edit);
    byTest('rule-scope').focus();
  });
  /** @type {HTMLElement|null} */
  let keyField = null;
  if (d.scope === 'category') {
    const key = /** @type {HTMLSelectElement} */ (h('select', { 'data-testid': 'rule-key' }, ...CATEGORIES.map((c) => h('option', { value: c }, categoryName(c)))));
    key.value = d.key;
    key.addEventListener('change', () => (d.key = key.value));
    keyField = labelled(t('set.key_category'), key);
  } else if (d.scope !== 'default') {
    const brand = d.scope === 'brand';
    const key = /** @type {HTMLInputElement} */ (h('input', {
      type: 'text', 'data-testid': 'rule-key', autocomplete: 'off', spellcheck: 'false', maxlength: brand ? MAX_TEXT_CHARS : 40,
      autocapitalize: brand ? 'characters' : 'none', placeholder: brand ? 'TELKOMSEL' : 'tsel10',
    }));
    key.value = d.key;
    key.addEventListener('input', () => (d.key = key.value));
    keyField = labelled(t(brand ? 'set.key_brand' : 'set.key_product'), key);
  }
  const kind = /** @type {HTMLSelectElement} */ (h('select', { 'data-testid': 'rule-kind' },
    h('option', { value: 'fixed' }, t('kind.fixed')), h('option', { value: 'percent' }, t('kind.percent'))));
  kind.value = d.kind;
  kind.addEventListener('change', () => {
    d.kind = kind.value === 'percent' ? 'percent' : 'fixed';
    renderRuleEditor(edit);
    byTest('rule-kind').focus();
  });
  const amount = /** @type {HTMLInputElement} */ (h('input', {
    type: 'text', 'data-testid': 'rule-amount', autocomplete: 'off', inputmode: d.kind === 'fixed' ? 'numeric' : 'decimal',
    placeholder: d.kind === 'fixed' ? '1500' : state.lang === 'id' ? '2,5' : '2.5',
  }));
  amount.value = d.amount;
  amount.addEventListener('input', () => (d.amount = amount.value));
  const round = /** @type {HTMLSelectElement} */ (h('select', { 'data-testid': 'rule-round' }, ...ROUNDINGS.map((v) => h('option', { value: v }, money(v)))));
  round.value = d.round;
  round.addEventListener('change', () => (d.round = round.value));
  const cancel = h('button', { type: 'button', class: 'small', 'data-testid': 'rule-cancel' }, t('set.rule_cancel'));
  cancel.addEventListener('click', () => closeRule(edit));
  const apply = h('button', { type: 'button', class: 'small primary', 'data-testid': 'rule-save' }, t(d.index < 0 ? 'set.rule_apply_new' : 'set.rule_apply_edit'));
  apply.addEventListener('click', () => applyRule(edit));
  box.replaceChildren(
    h('h3', {}, t(d.index < 0 ? 'set.rule_new' : 'set.rule_change')),
    h('div', { class: 'rule-grid' },
      labelled(t('set.scope'), scope),
      keyField,
      labelled(t('set.kind'), kind),
      labelled(t(d.kind === 'fixed' ? 'set.amount_fixed' : 'set.amount_percent'), amount),
      labelled(t('set.round'), round)),
    h('p', { class: 'error', role: 'alert', 'data-testid': 'rule-error', hidden: !edit.ruleError }, edit.ruleError),
    h('div', { class: 'rule-actions' }, cancel, apply));
}

/** Checks the open rule and puts it in the list; false (and words in the editor) when it does not hold. @param {SettingsEdit} edit */
function applyRule(edit) {
  const d = edit.draft;
  if (!d) return true;
  /** @param {string} key @param {Record<string, string>} [vars] */
  const fail = (key, vars) => {
    edit.ruleError = t(key, vars);
    renderRuleEditor(edit);
    byTest('rule-error').scrollIntoView({ block: 'nearest' });
    return false;
  };
  let key = d.scope === 'default' ? '' : d.key.trim();
  if (d.scope === 'brand') key = key.toUpperCase();
  if (d.scope !== 'default' && !key) return fail('serr.key_missing');
  if (d.scope === 'category' && !CATEGORIES.includes(key)) return fail('serr.key_missing');
  if (d.scope === 'product' && !/^[A-Za-z0-9_-]{1,40}$/.test(key)) return fail('serr.sku_invalid');
  if ([...key].length > MAX_TEXT_CHARS) return fail('serr.key_too_long');
  const raw = d.amount.trim();
  if (raw.startsWith('-')) return fail('serr.markup_negative');
  /** @type {Markup} */
  let markup;
  if (d.kind === 'fixed') {
    const digits = raw.replace(/^rp\s*/i, '').replace(/[.\s]/g, ''); // `Rp1.500` and `1.500` are 1500
    if (!/^\d+$/.test(digits) || !Number.isSafeInteger(Number(digits))) return fail('serr.amount_fixed');
    markup = { kind: 'fixed', idr: Number(digits) };
  } else {
    const percent = raw.replace(/\s*%$/, '').replace(',', '.');
    if (!/^\d+(\.\d+)?$/.test(percent)) return fail('serr.amount_percent');
    if (Number(percent) > MAX_MARKUP_PERCENT) return fail('serr.markup_too_large');
    markup = { kind: 'percent', percent };
  }
  const round_to = Number(d.round);
  if (!ROUNDINGS.includes(round_to)) return fail('serr.rounding_invalid');
  const clash = edit.rules.find((r, i) => i !== d.index && r.scope === d.scope && r.key === key);
  if (clash) return fail(d.scope === 'default' ? 'serr.default_twice' : 'serr.rule_duplicate', { rule: ruleName(clash) });
  /** @type {SellingRule} */
  const rule = { scope: d.scope, key, markup, round_to };
  if (d.index >= 0) edit.rules[d.index] = rule;
  else edit.rules.push(rule);
  rulesChanged(edit);
  renderSettingsMsg(edit);
  closeRule(edit);
  return true;
}

/** @param {SettingsEdit} edit */
function renderFees(edit) {
  byId('fee-fields').replaceChildren(...feeKeys(edit.base).map((key) => {
    const input = /** @type {HTMLInputElement} */ (h('input', { name: `fee.${key}`, type: 'number', inputmode: 'numeric', min: 0, max: MAX_FEE_IDR, step: 1, 'data-testid': `fee-${key}` }));
    input.value = edit.form[`fee.${key}`] ?? '';
    return labelled(t('set.fee_of', { name: feeName(key) }), input);
  }));
}

/** @param {SettingsEdit} edit */
function renderDirty(edit) {
  const dirty = settingsDirty(edit);
  byId('settings-dirty').hidden = !dirty;
  byId('settings-discard').hidden = !dirty;
  byId('savebar').classList.toggle('pinned', dirty);
  byId('rules-unsaved').hidden = JSON.stringify(edit.rules) === JSON.stringify(edit.base.price_rules);
}

/** The save bar's words; an error goes next to the section its field names. @param {SettingsEdit} edit */
function renderSettingsMsg(edit) {
  const saved = byTest('settings-saved');
  const box = byTest('settings-error');
  const msg = edit.msg;
  saved.hidden = !(msg && 'saved' in msg);
  saved.textContent = msg && 'saved' in msg ? t('set.saved', { v: msg.saved }) : '';
  for (const el of byId('settings-form').querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
  if (!msg || 'saved' in msg) {
    box.hidden = true;
    box.replaceChildren();
    byId('savebar').prepend(box);
    return { box, input: null };
  }
  const err = 'error' in msg ? msg.error : null;
  const conflict = 'newer' in msg || (err instanceof ApiError && err.code === 'settings_changed');
  const { section, input } = settingsPlace(err instanceof ApiError ? err.field : null);
  let reload = null;
  if (conflict) {
    reload = h('button', { type: 'button', class: 'small', 'data-testid': 'settings-reload' }, t('set.reload'));
    reload.addEventListener('click', () => loadSettings(true));
  }
  box.replaceChildren(...nodes(['newer' in msg ? t('set.newer', { v: msg.newer }) : settingsErrorText(err), reload ? ' ' : null, reload]));
  if (section) section.querySelector('h2')?.after(box);
  else byId('savebar').prepend(box);
  input?.setAttribute('aria-invalid', 'true');
  box.hidden = false;
  return { box, input };
}

/** @param {SettingsEdit} edit @param {SettingsMsg} msg @param {boolean} point move focus to the field (or the words) */
function showSettingsMsg(edit, msg, point) {
  edit.msg = msg;
  if (currentEdit() !== edit) return;
  const { box, input } = renderSettingsMsg(edit);
  if (!point) return;
  if (input) input.focus();
  else (box.hidden ? byTest('settings-saved') : box).scrollIntoView({ block: 'nearest' });
}

/** The object to send, checked as the server will check it; throws an ApiError naming the field. @param {SettingsEdit} edit @returns {ShopSettings} */
function settingsBody(edit) {
  const f = edit.form;
  /** @param {string|undefined} value @param {string} name */
  const whole = (value, name) => {
    const s = (value ?? '').trim();
    if (/^-\d+$/.test(s)) throw new ApiError(422, name === 'bill_fee_cap_idr' ? 'bill_fee_cap_invalid' : 'bill_fee_negative', '', name);
    if (!/^\d+$/.test(s) || !Number.isSafeInteger(Number(s))) throw new ApiError(422, 'number_invalid', '', name);
    return Number(s);
  };
  const cap = whole(f.cap, 'bill_fee_cap_idr');
  if (cap > MAX_FEE_IDR) throw new ApiError(422, 'bill_fee_cap_invalid', '', 'bill_fee_cap_idr');
  /** @type {Record<string, number>} */
  const fees = {};
  for (const key of feeKeys(edit.base)) {
    const fee = whole(f[`fee.${key}`], `bill_fees.${key}`);
    if (fee > cap) throw new ApiError(422, 'bill_fee_above_cap', '', `bill_fees.${key}`);
    fees[key] = fee;
  }
  for (const name of SETTINGS_TEXTS) if ([...f[name]].length > MAX_TEXT_CHARS) throw new ApiError(422, 'too_long', '', name);
  if (/[\r\n]/.test(f.receipt_header)) throw new ApiError(422, 'one_line', '', 'receipt_header');
  const zone = Number(f.zone);
  if (!ZONES.includes(zone)) throw new ApiError(422, 'zone_unknown', '', 'utc_offset_h');
  return {
    version: edit.base.version,
    price_rules: edit.rules,
    bill_fees: { cap_idr: cap, fees },
    receipt_header: f.receipt_header,
    receipt_footer: f.receipt_footer,
    shop_address: f.shop_address,
    shop_phone: f.shop_phone,
    utc_offset_h: zone,
  };
}

/** Loads the shown outlet's settings. Edits in progress are kept: a newer version then only shows a note. @param {boolean} force drop the edits */
async function loadSettings(force) {
  const shop = saldoShop();
  if (!shop) return renderSettings();
  const seq = ++settingsSeq;
  const errorBox = byId('settings-load-error');
  try {
    /** @type {ShopSettings} */
    const s = await api('GET', `/settings?${query({ shop: shop.id })}`);
    if (seq !== settingsSeq) return;
    errorBox.hidden = true;
    setOffline(false);
    state.updated.pengaturan = new Date();
    const edit = state.settings[shop.id];
    if (force || !edit || (s.version > edit.base.version && !settingsDirty(edit))) {
      state.settings[shop.id] = editOf(s);
      keepScroll(renderSettings);
    } else if (s.version > edit.base.version && !(edit.msg && 'newer' in edit.msg && edit.msg.newer === s.version)) {
      showSettingsMsg(edit, { newer: s.version }, false);
    }
    renderStatus();
  } catch (e) {
    if (seq !== settingsSeq) return;
    showLoadError(e, errorBox);
  }
}

/** @param {SubmitEvent} ev */
async function onSettingsSave(ev) {
  ev.preventDefault();
  const form = /** @type {HTMLFormElement} */ (ev.currentTarget);
  const shop = saldoShop();
  const edit = currentEdit();
  if (!shop || !edit || state.settingsSaving) return;
  if (edit.draft && !applyRule(edit)) return; // the open rule goes in first
  /** @type {ShopSettings} */
  let body;
  try {
    body = settingsBody(edit);
  } catch (e) {
    return showSettingsMsg(edit, { error: e }, true);
  }
  const sent = JSON.stringify([edit.rules, edit.form]);
  state.settingsSaving = true;
  setBusy(form, true);
  settingsSeq++; // a poll on its way must not bring back the old version
  try {
    /** @type {ShopSettings} */
    const saved = await post(`/settings?${query({ shop: shop.id })}`, body);
    settingsSeq++;
    const now = state.settings[shop.id];
    if (!now) return;
    // Edits made while saving stay on top of the saved version.
    if (!now.draft && JSON.stringify([now.rules, now.form]) === sent) Object.assign(now, editOf(saved));
    else now.base = saved;
    now.msg = { saved: saved.version };
    state.updated.pengaturan = new Date();
    if (currentEdit() === now) {
      renderSettings();
      byTest('settings-saved').scrollIntoView({ block: 'nearest' });
    }
    renderStatus();
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return;
    if (e instanceof ApiError && e.status === 0) setOffline(true);
    showSettingsMsg(edit, { error: e }, true);
  } finally {
    state.settingsSaving = false;
    setBusy(form, false);
  }
}

/** Typing in the form's own fields (the rule editor keeps its draft itself). @param {Event} ev */
function onSettingsInput(ev) {
  const el = ev.target;
  if (!(el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement)) return;
  const edit = currentEdit();
  if (!edit || !el.name || !(el.name in edit.form)) return;
  edit.form[el.name] = el.value;
  // A saved note goes on the first edit; an error when the field it names is edited.
  const msg = edit.msg;
  if (msg && ('saved' in msg || ('error' in msg && msg.error instanceof ApiError && settingsPlace(msg.error.field).input === el))) {
    edit.msg = null;
    renderSettingsMsg(edit);
  }
  renderDirty(edit);
}

/** After a change of the rules: the saved note, or an error about the rules, has had its day. @param {SettingsEdit} edit */
function rulesChanged(edit) {
  const msg = edit.msg;
  if (msg && ('saved' in msg || ('error' in msg && msg.error instanceof ApiError && msg.error.field === 'price_rules'))) edit.msg = null;
}

function bindSettings() {
  const form = byId('settings-form');
  form.addEventListener('submit', (ev) => onSettingsSave(/** @type {SubmitEvent} */ (ev)));
  form.addEventListener('input', onSettingsInput);
  form.addEventListener('change', onSettingsInput);
  byTest('rule-add').addEventListener('click', () => openRule(-1));
  byId('settings-discard').addEventListener('click', () => {
    const shop = saldoShop();
    const edit = currentEdit();
    if (!shop || !edit) return;
    state.settings[shop.id] = editOf(edit.base);
    renderSettings();
    byTest('settings-save').focus();
  });
  // Enter in the rule editor puts the rule in the list rather than saving the whole form.
  byId('rule-editor').addEventListener('keydown', (ev) => {
    if (ev.key !== 'Enter' || !(ev.target instanceof HTMLInputElement)) return;
    ev.preventDefault();
    const edit = currentEdit();
    if (edit) applyRule(edit);
  });
}

// ---------------------------------------------------------------------------------------------
// Actions.

/** @param {SubmitEvent} ev */
async function onLogin(ev) {
  ev.preventDefault();
  const form = /** @type {HTMLFormElement} */ (ev.currentTarget);
  const phone = field(form, 'phone').value.trim();
  const password = field(form, 'password');
  clearFormError(form);
  showNotice('');
  if (!phone || !password.value) return showFormError(form, t('err.required'));
  setBusy(form, true);
  try {
    const me = await api('POST', '/login', { phone, password: password.value });
    password.value = '';
    enter(me);
  } catch (e) {
    password.value = '';
    showFormError(form, e);
    if (!(e instanceof ApiError && e.field)) password.focus();
  } finally {
    setBusy(form, false);
  }
}

/** @param {SubmitEvent} ev */
async function onSetup(ev) {
  ev.preventDefault();
  const form = /** @type {HTMLFormElement} */ (ev.currentTarget);
  const phone = field(form, 'phone').value.trim();
  const code = field(form, 'code').value.trim();
  const password = field(form, 'password');
  const password2 = field(form, 'password2');
  clearFormError(form);
  if (!phone || !code || !password.value || !password2.value) return showFormError(form, t('err.required'));
  if ([...password.value].length < 8) return showFormError(form, new ApiError(400, 'password_too_short', '', 'password'));
  if (password.value !== password2.value) return showFormError(form, new ApiError(400, 'password_mismatch', '', 'password2'));
  setBusy(form, true);
  try {
    const me = await api('POST', '/setup', { phone, code, password: password.value });
    form.reset();
    enter(me);
  } catch (e) {
    showFormError(form, e);
  } finally {
    setBusy(form, false);
  }
}

/** @param {Me} me */
function enter(me) {
  setOffline(false);
  setMe(me);
  const asked = location.hash.replace(/^#\/?/, '');
  go(asked === 'saldo' || asked === 'pengaturan' ? asked : 'ringkasan');
}

/** @param {boolean} everywhere */
async function logout(everywhere) {
  try {
    await post(everywhere ? '/logout_all' : '/logout', {});
  } catch (e) {
    if (!(e instanceof ApiError && e.status === 401)) {
      if (e instanceof ApiError && (e.status === 0 || e.status >= 500)) setOffline(true);
      return;
    }
  }
  clearSession();
  showNotice(t(everywhere ? 'auth.logged_out_all' : 'auth.logged_out'));
  go('masuk');
}

/** @param {SubmitEvent} ev */
async function onDeposit(ev) {
  ev.preventDefault();
  const form = /** @type {HTMLFormElement} */ (ev.currentTarget);
  const shop = saldoShop();
  clearFormError(form);
  if (!shop) return;
  const raw = field(form, 'amount_idr').value.trim();
  const amount = Number(raw);
  if (!raw || !Number.isSafeInteger(amount) || amount <= 0) return showFormError(form, new ApiError(400, 'amount_invalid', '', 'amount_idr'));
  if (amount < MIN_DEPOSIT_IDR) return showFormError(form, new ApiError(400, 'amount_too_small', '', 'amount_idr'));
  const method = field(form, 'method').value;
  /** @type {Record<string, string|number>} */
  const body = { shop: shop.id, amount_idr: amount, method };
  if (method === 'va') body.bank = field(form, 'bank').value;
  setBusy(form, true);
  try {
    /** @type {Deposit} */
    const deposit = await post('/deposits', body);
    state.created = { deposit, shop: shop.id };
    field(form, 'amount_idr').value = '';
    renderDepositResult();
    byTest('deposit-result').scrollIntoView({ block: 'nearest' });
    loadSaldo();
  } catch (e) {
    if (!(e instanceof ApiError && e.status === 401)) showFormError(form, e);
  } finally {
    setBusy(form, false);
  }
}

function bindEvents() {
  window.addEventListener('hashchange', showRoute);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible' && state.me) {
      refresh();
      schedulePoll();
    }
  });
  byId('login-form').addEventListener('submit', (ev) => onLogin(/** @type {SubmitEvent} */ (ev)));
  byId('setup-form').addEventListener('submit', (ev) => onSetup(/** @type {SubmitEvent} */ (ev)));
  byId('deposit-form').addEventListener('submit', (ev) => onDeposit(/** @type {SubmitEvent} */ (ev)));
  bindSettings();
  byId('logout').addEventListener('click', () => logout(false));
  byId('logout-all').addEventListener('click', () => logout(true));
  byId('lang-toggle').addEventListener('click', () => {
    state.lang = state.lang === 'id' ? 'en' : 'id';
    savePrefs();
    applyLang();
  });
  byId('shop-picker').addEventListener('change', (ev) => {
    state.shop = /** @type {HTMLSelectElement} */ (ev.currentTarget).value;
    savePrefs();
    renderSummary();
    renderSaldo();
    renderSettings();
    refresh();
    schedulePoll();
  });
  for (const btn of document.querySelectorAll('[data-range]')) {
    btn.addEventListener('click', () => {
      state.preset = /** @type {Preset} */ (btn.getAttribute('data-range'));
      changeRange();
    });
  }
  for (const id of ['range-from', 'range-to']) {
    byId(id).addEventListener('change', () => {
      state.preset = 'custom';
      state.from = /** @type {HTMLInputElement} */ (byId('range-from')).value;
      state.to = /** @type {HTMLInputElement} */ (byId('range-to')).value;
      changeRange();
    });
  }
  const depositForm = /** @type {HTMLFormElement} */ (byId('deposit-form'));
  field(depositForm, 'method').addEventListener('change', () => (byId('bank-field').hidden = field(depositForm, 'method').value !== 'va'));
  for (const chip of depositForm.querySelectorAll('[data-amount]')) {
    chip.addEventListener('click', () => (field(depositForm, 'amount_idr').value = chip.getAttribute('data-amount') ?? ''));
  }
  // Edits clear the "this field is wrong" mark.
  document.addEventListener('input', (ev) => /** @type {Element} */ (ev.target).removeAttribute?.('aria-invalid'));
}

function changeRange() {
  currentRange();
  savePrefs();
  renderRangeControls();
  renderSummary(); // marks the old figures as stale until the new ones arrive
  loadReport();
  schedulePoll();
}

async function boot() {
  loadPrefs();
  currentRange();
  mountTables(byId('summary-tables'), SUMMARY_TABLES);
  mountTables(byId('saldo-tables'), SALDO_TABLES);
  bindEvents();
  applyLang();
  renderRangeControls();
  try {
    setMe(await api('GET', '/me'));
  } catch (e) {
    if (e instanceof ApiError && e.status !== 401) showNotice(errorText(e)); // nothing retries on the login screen
  }
  showRoute();
}

boot();
