<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ja_JP">
<context>
    <name>AboutDialog</name>
    <message>
        <source>Restores the censored regions (bars or mosaics painted pure green) of illustrations. Nothing is downloaded: the models are the files in {folder}; their measurements are in its README.md.</source>
        <extracomment>The window&apos;s size where the screen has room (it shrinks to fit smaller screens).</extracomment>
        <translation>イラストの検閲された領域（純緑 (0, 255, 0) で塗られたバーやモザイク）を修復します。何もダウンロードしません。モデルは {folder} にあるファイルで、その評価結果は同じフォルダーの README.md にあります。</translation>
    </message>
    <message>
        <source>Learned models</source>
        <translation>学習済みモデル</translation>
    </message>
    <message>
        <source>None installed: the classical models below restore.</source>
        <translation>インストールされていません。下の古典的手法で修復します。</translation>
    </message>
    <message>
        <source>Trained on (source, licence):</source>
        <translation>学習データ（出典、ライセンス）：</translation>
    </message>
    <message>
        <source>Training data: not recorded in its manifest.</source>
        <translation>学習データ：マニフェストに記録されていません。</translation>
    </message>
    <message>
        <source>Classical models (built in, no training data)</source>
        <translation>古典的手法（内蔵、学習データなし）</translation>
    </message>
    <message>
        <source>About decensor</source>
        <extracomment>Remembered check boxes that start checked (the command&apos;s defaults).</extracomment>
        <translation>decensor について</translation>
    </message>
</context>
<context>
    <name>BeforeAfterView</name>
    <message>
        <source>Left click or drag: move the split line - wheel: zoom - right or middle drag, or space + drag: pan - double-click: fit - T: before / after / both</source>
        <extracomment>The side the view shows alone while toggled with ``T``. The buttons whose drag pans, as in the painting tool&apos;s canvas. Behind the view&apos;s label: dark and see-through, so white text reads on any picture. The picture&apos;s size (width, height) as last fitted; None before.</extracomment>
        <translation>左クリックまたはドラッグ：境界線を移動 - ホイール：ズーム - 右／中ドラッグまたはスペース＋ドラッグ：移動 - ダブルクリック：全体表示 - T：修復前／修復後／両方</translation>
    </message>
    <message>
        <source>No result selected</source>
        <translation>結果が選択されていません</translation>
    </message>
    <message>
        <source>before</source>
        <translation>修復前</translation>
    </message>
    <message>
        <source>after</source>
        <translation>修復後</translation>
    </message>
    <message>
        <source>before | after</source>
        <translation>修復前 | 修復後</translation>
    </message>
</context>
<context>
    <name>Command</name>
    <message>
        <source>Restore the green-painted (0,255,0) regions of the PNGs in the input folder and write the results to the output folder. Inputs are never modified.</source>
        <extracomment>The translation of the messages (None: English), loaded by :func:`use_language`.</extracomment>
        <translation>入力フォルダーの PNG で緑 (0,255,0) に塗られた領域を修復し、結果を出力フォルダーに書き出します。入力ファイルは変更されません。</translation>
    </message>
    <message>
        <source>show this help and exit</source>
        <translation>このヘルプを表示して終了します</translation>
    </message>
    <message>
        <source>bar: invent what is under the green; mosaic: restore from the original&apos;s mosaic pixels (default: bar)</source>
        <translation>bar：緑の下を新たに描きます。mosaic：元画像のモザイクのピクセルから修復します（既定：bar）</translation>
    </message>
    <message>
        <source>folder of green-painted PNGs (default: {folder})</source>
        <translation>緑で塗った PNG のフォルダー（既定：{folder}）</translation>
    </message>
    <message>
        <source>mosaic mode: folder of the same pictures without green, same base name, {extensions} (default: {folder})</source>
        <translation>モザイクモード：緑を塗る前の同じ画像のフォルダー。同じベース名で {extensions}（既定：{folder}）</translation>
    </message>
    <message>
        <source>folder for results, created if missing (default: {folder})</source>
        <translation>結果のフォルダー。なければ作成します（既定：{folder}）</translation>
    </message>
    <message>
        <source>engine to use, see --list-models (default: the installed model marked default for the censor type, else {classical})</source>
        <translation>使うエンジン。--list-models を参照（既定：検閲の種類の既定としてインストールされたモデル、なければ {classical}）</translation>
    </message>
    <message>
        <source>{name} for {censor}</source>
        <translation>{censor} には {name}</translation>
    </message>
    <message>
        <source>how a learned model runs: onnx (ONNX Runtime on the model&apos;s exported graph: starts in a fraction of a second), keras (TensorFlow on its weights), keras-bf16 (TensorFlow computing in bfloat16: faster per patch on CPUs with AVX512-BF16 or AMX, slower to start than onnx), or auto: onnx when the model has a graph and ONNX Runtime is installed (default: auto)</source>
        <translation>学習済みモデルの実行方法：onnx（モデルの書き出されたグラフを ONNX Runtime で実行。1 秒もかからず起動）、keras（重みを TensorFlow で実行）、keras-bf16（TensorFlow で bfloat16 演算。AVX512-BF16 または AMX を備えた CPU ではパッチごとに速いが、起動は onnx より遅い）、auto（モデルにグラフがあり ONNX Runtime がインストールされていれば onnx）（既定：auto）</translation>
    </message>
    <message>
        <source>folder of installed models (default: the models/ folder shipped with the app)</source>
        <translation>インストールされたモデルのフォルダー（既定：アプリに付属の models/ フォルダー）</translation>
    </message>
    <message>
        <source>1, 2 or 4 results per picture (flipped inputs); several are named &lt;base&gt;_v&lt;n&gt;.png</source>
        <translation>画像ごとの結果の数 1、2、4（反転した入力）。複数の場合は &lt;base&gt;_v&lt;n&gt;.png という名前になります</translation>
    </message>
    <message>
        <source>restore each region in its 8 flips and rotations and average them: slightly better (about +0.2 dB on held-out patches) at 8x the model&apos;s work; one variation only</source>
        <translation>各領域を 8 通りの反転・回転で修復して平均します。少し良くなります（評価用パッチで約 +0.2 dB）が、モデルの処理は 8 倍です。結果は 1 つだけです</translation>
    </message>
    <message>
        <source>bar mode: leave every hole to the model; by default, where the picture around a bar repeats with a clear period (a fence, stripes, tiles, a dot screen), the pattern is continued across it</source>
        <translation>バーモード：すべての穴をモデルに任せる。既定では、バーの周りの絵がはっきりした周期で繰り返している場合（柵、縞模様、タイル、網点）、その模様をバーの向こうまで続けます</translation>
    </message>
    <message>
        <source>replace existing outputs (default: skip them)</source>
        <translation>既存の出力を置き換えます（既定：スキップ）</translation>
    </message>
    <message>
        <source>take only exact (0,255,0) pixels, not the anti-aliased fringe around them nor regions that JPEG or colour management shifted off pure green</source>
        <translation>ちょうど (0,255,0) のピクセルだけを対象にし、その周りのアンチエイリアスの縁や、JPEG やカラー管理で純緑からずれた領域は対象にしません</translation>
    </message>
    <message>
        <source>leave alone green that is not exact (or its fringe): by default regions that JPEG or colour management shifted off pure green are restored too, and a picture with green left outside the mask fails; with this it is restored with a warning</source>
        <translation>純緑でない緑（とその縁）には手を付けません。既定では JPEG やカラー管理で純緑からずれた領域も修復され、マスクの外に緑が残る画像は失敗になります。このオプションを付けると警告付きで修復されます</translation>
    </message>
    <message>
        <source>refuse larger pictures (decompression-bomb guard; default {limit}; 0 = no limit)</source>
        <translation>これより大きい画像は拒否します（解凍爆弾対策。既定 {limit}、0 = 無制限）</translation>
    </message>
    <message>
        <source>mosaic mode without green paint: detect the mosaics and restore them (inputs may be {extensions}; each picture is its own original)</source>
        <translation>緑を塗らないモザイクモード：モザイクを検出して修復します（入力は {extensions} でもよく、各画像がそれ自身の元画像になります）</translation>
    </message>
    <message>
        <source>with --auto-mask: write the pictures with the detected mosaics painted green to the output folder for review (ready for {folder}/) and restore nothing</source>
        <translation>--auto-mask と併用：検出したモザイクを緑で塗った画像を確認用に出力フォルダーへ書き出し（そのまま {folder}/ に使えます）、修復はしません</translation>
    </message>
    <message>
        <source>print one JSON report on stdout (progress on stderr)</source>
        <translation>JSON のレポートを 1 つ標準出力に出します（進捗は標準エラー出力）</translation>
    </message>
    <message>
        <source>list installed models and exit</source>
        <translation>インストールされたモデルを一覧表示して終了します</translation>
    </message>
    <message>
        <source>the language of the messages, or the system&apos;s (default: system)</source>
        <translation>メッセージの言語、またはシステムの言語（既定：system）</translation>
    </message>
    <message>
        <source>{done}/{count} files</source>
        <translation>{done}/{count} ファイル</translation>
    </message>
    <message>
        <source>{name}: region {done}/{count}</source>
        <translation>{name}：領域 {done}/{count}</translation>
    </message>
    <message>
        <source>NAME</source>
        <translation>名前</translation>
    </message>
    <message>
        <source>ARCHITECTURE</source>
        <translation>構造</translation>
    </message>
    <message>
        <source>CENSOR</source>
        <translation>検閲</translation>
    </message>
    <message>
        <source>PARAMETERS</source>
        <translation>パラメーター</translation>
    </message>
    <message>
        <source>DEFAULT</source>
        <translation>既定</translation>
    </message>
    <message>
        <source>DESCRIPTION</source>
        <translation>説明</translation>
    </message>
    <message>
        <source>BROKEN</source>
        <translation>破損</translation>
    </message>
    <message>
        <source>restored</source>
        <translation>修復</translation>
    </message>
    <message>
        <source>detected</source>
        <translation>検出</translation>
    </message>
    <message>
        <source>skipped</source>
        <translation>スキップ</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>失敗</translation>
    </message>
    <message>
        <source>{name} -&gt; {outputs} ({regions} regions, {seconds}s)</source>
        <translation>{name} -&gt; {outputs}（{regions} 領域、{seconds} 秒）</translation>
    </message>
    <message>
        <source>warning: {warning}</source>
        <translation>警告：{warning}</translation>
    </message>
    <message>
        <source>{detected} detected, {skipped} skipped, {failed} failed</source>
        <translation>検出 {detected}、スキップ {skipped}、失敗 {failed}</translation>
    </message>
    <message>
        <source>{restored} restored, {skipped} skipped, {failed} failed</source>
        <translation>修復 {restored}、スキップ {skipped}、失敗 {failed}</translation>
    </message>
    <message>
        <source> ({count} with a warning)</source>
        <translation>（警告あり {count}）</translation>
    </message>
    <message>
        <source> (model: {model})</source>
        <translation>（モデル：{model}）</translation>
    </message>
    <message>
        <source>; interrupted</source>
        <translation>。中断しました</translation>
    </message>
    <message>
        <source>--max-pixels must be 0 (no limit) or positive</source>
        <translation>--max-pixels は 0（無制限）か正の数にしてください</translation>
    </message>
    <message>
        <source>decensor: error: {error}</source>
        <translation>decensor: エラー: {error}</translation>
    </message>
    <message>
        <source>decensor: interrupted; no partial output was left</source>
        <translation>decensor: 中断しました。書きかけの出力は残っていません</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>(out of date: its mask changed)</source>
        <extracomment>The folder rows by settings key; relative defaults start from ``base_dir``. The pipeline&apos;s messages name the command&apos;s options; the window says its own words. Added to a listed result whose input&apos;s mask was saved again in the painter.</extracomment>
        <translation>（古い結果：マスクが変更されました）</translation>
    </message>
    <message>
        <source>Open in painter</source>
        <extracomment>The results list&apos;s right-click menu, by the English text (the key of ``result_actions``).</extracomment>
        <translation>ペイントツールで開く</translation>
    </message>
    <message>
        <source>Show in folder</source>
        <translation>フォルダーに表示</translation>
    </message>
    <message>
        <source>Redo this picture</source>
        <translation>この画像をやり直す</translation>
    </message>
    <message>
        <source>How many different restorations to make of each picture: 1 writes NAME.png; 2 or 4 write NAME_v1.png ... NAME_v4.png, each restored with another random seed, so that you can keep the best. Classical models give the same result each time.</source>
        <extracomment>Where a message of the log shows in red. What the Variations choices mean, for their tooltip.</extracomment>
        <translation>各画像について作る修復結果の数。1 なら NAME.png、2 または 4 なら NAME_v1.png … NAME_v4.png を書き出します。それぞれ別の乱数シードで修復されるので、一番良いものを選べます。古典的手法では毎回同じ結果になります。</translation>
    </message>
    <message>
        <source>decensor</source>
        <translation>decensor</translation>
    </message>
    <message>
        <source>Browse...</source>
        <translation>参照...</translation>
    </message>
    <message>
        <source>Choose the folder: {what}</source>
        <translation>フォルダーを選択：{what}</translation>
    </message>
    <message>
        <source>Decensor</source>
        <translation>修復</translation>
    </message>
    <message>
        <source>Input folder</source>
        <translation>入力フォルダー</translation>
    </message>
    <message>
        <source>The PNG pictures with the censored areas painted pure green (0, 255, 0)</source>
        <translation>検閲された領域を純緑 (0, 255, 0) で塗った PNG 画像</translation>
    </message>
    <message>
        <source>Originals folder</source>
        <translation>元画像フォルダー</translation>
    </message>
    <message>
        <source>Mosaic mode only: the same pictures without green (with the mosaic), same names</source>
        <translation>モザイクモードのみ：緑を塗る前の同じ画像（モザイク入り）、同じファイル名</translation>
    </message>
    <message>
        <source>Output folder</source>
        <translation>出力フォルダー</translation>
    </message>
    <message>
        <source>Where the results are written (created if missing)</source>
        <translation>結果の書き出し先（なければ作成）</translation>
    </message>
    <message>
        <source>Bar</source>
        <translation>バー</translation>
    </message>
    <message>
        <source>The green covers areas to paint anew (bars, blots)</source>
        <translation>緑は新しく描き直す領域を示します（バー、塗りつぶし）</translation>
    </message>
    <message>
        <source>Mosaic</source>
        <translation>モザイク</translation>
    </message>
    <message>
        <source>The green marks a mosaic; the original with the mosaic, from the originals folder, guides the restoration</source>
        <translation>緑はモザイクの位置を示します。元画像フォルダーにあるモザイク入りの元画像を手がかりに修復します</translation>
    </message>
    <message>
        <source>Censor type</source>
        <translation>検閲の種類</translation>
    </message>
    <message>
        <source>The model that restores: exactly this one is used</source>
        <translation>修復に使うモデル：必ずこのモデルが使われます</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>モデル</translation>
    </message>
    <message>
        <source>Variations</source>
        <translation>バリエーション</translation>
    </message>
    <message>
        <source>Average 8 flips (slightly better, 8x slower)</source>
        <translation>8 方向の反転を平均（少し良く、8 倍遅い）</translation>
    </message>
    <message>
        <source>Restore each region in its eight flips and rotations and average the results; gives one result per picture</source>
        <translation>各領域を 8 通りの反転・回転で修復して平均します。結果は画像ごとに 1 つです</translation>
    </message>
    <message>
        <source>Continue repeated patterns (fences, stripes)</source>
        <translation>繰り返し模様を続ける（柵、縞模様）</translation>
    </message>
    <message>
        <source>Bar mode: where the picture around a bar repeats with a clear period, continue the pattern across it instead of the model&apos;s guess</source>
        <translation>バーモード：バーの周りの絵がはっきりした周期で繰り返している場合、モデルの推測の代わりにその模様をバーの向こうまで続けます</translation>
    </message>
    <message>
        <source>Overwrite existing results</source>
        <translation>既存の結果を上書き</translation>
    </message>
    <message>
        <source>Restore pictures again whose results exist, replacing them (off at every start)</source>
        <translation>結果がある画像も修復し直して置き換えます（起動時は毎回オフ）</translation>
    </message>
    <message>
        <source>Exact green only (no anti-aliased fringe)</source>
        <translation>純緑のみ（アンチエイリアスの縁は除く）</translation>
    </message>
    <message>
        <source>Restore only the pure green pixels, not the blended ones at the paint&apos;s edge</source>
        <translation>純緑のピクセルだけを修復し、塗りの縁で混ざったピクセルは修復しません</translation>
    </message>
    <message>
        <source>Take near-green paint (JPEG, colour-managed exports)</source>
        <translation>緑に近い塗りも対象にする（JPEG、カラー管理された書き出し）</translation>
    </message>
    <message>
        <source>Also take regions that are almost pure green, as JPEG or a colour profile leaves the paint; off: such a picture is restored with a warning that green is left</source>
        <translation>JPEG やカラープロファイルで色がずれた、ほぼ純緑の領域も対象にします。オフの場合、そのような画像は緑が残っているという警告付きで修復されます</translation>
    </message>
    <message>
        <source>Restore every PNG of the input folder (Ctrl+Return)</source>
        <translation>入力フォルダーのすべての PNG を修復します (Ctrl+Return)</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>キャンセル</translation>
    </message>
    <message>
        <source>Stop after the current region (Esc)</source>
        <translation>現在の領域が終わったら停止します (Esc)</translation>
    </message>
    <message>
        <source>Paint mask...</source>
        <translation>マスクを描く...</translation>
    </message>
    <message>
        <source>Open the painting tool (Ctrl+P)</source>
        <translation>ペイントツールを開きます (Ctrl+P)</translation>
    </message>
    <message>
        <source>Pictures done of this batch</source>
        <translation>このバッチで処理済みの画像</translation>
    </message>
    <message>
        <source>Censored regions done of the current picture</source>
        <translation>現在の画像で処理済みの検閲領域</translation>
    </message>
    <message>
        <source>What happened, with the time (File &gt; Save log keeps it)</source>
        <translation>処理の記録と時刻（ファイル &gt; ログを保存 で保存できます）</translation>
    </message>
    <message>
        <source>Log</source>
        <translation>ログ</translation>
    </message>
    <message>
        <source>Results of this batch and earlier ones: select one to compare; right-click to fix its mask in the painter, show it in its folder or redo it</source>
        <translation>このバッチと以前の結果：選択すると比較できます。右クリックで、ペイントツールでマスクを直す、フォルダーに表示する、やり直すことができます</translation>
    </message>
    <message>
        <source>Open output folder</source>
        <translation>出力フォルダーを開く</translation>
    </message>
    <message>
        <source>Show the output folder in the file manager</source>
        <translation>出力フォルダーをファイルマネージャーで表示します</translation>
    </message>
    <message>
        <source>Results (drag the line: before | after; T toggles)</source>
        <translation>結果（線をドラッグ：修復前 | 修復後、T で切り替え）</translation>
    </message>
    <message>
        <source>Ready</source>
        <translation>準備完了</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>ファイル(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Decensor</source>
        <translation>修復(&amp;D)</translation>
    </message>
    <message>
        <source>Restore every PNG of the input folder</source>
        <translation>入力フォルダーのすべての PNG を修復します</translation>
    </message>
    <message>
        <source>&amp;Cancel</source>
        <translation>キャンセル(&amp;C)</translation>
    </message>
    <message>
        <source>Stop after the current region</source>
        <translation>現在の領域が終わったら停止します</translation>
    </message>
    <message>
        <source>&amp;Paint mask...</source>
        <translation>マスクを描く(&amp;P)...</translation>
    </message>
    <message>
        <source>Open the painting tool</source>
        <translation>ペイントツールを開きます</translation>
    </message>
    <message>
        <source>Choose &amp;input folder...</source>
        <translation>入力フォルダーを選択(&amp;I)...</translation>
    </message>
    <message>
        <source>Choose the folder of green-painted pictures</source>
        <translation>緑で塗った画像のフォルダーを選択します</translation>
    </message>
    <message>
        <source>Choose o&amp;riginals folder...</source>
        <translation>元画像フォルダーを選択(&amp;R)...</translation>
    </message>
    <message>
        <source>Mosaic mode: choose the folder of the originals</source>
        <translation>モザイクモード：元画像のフォルダーを選択します</translation>
    </message>
    <message>
        <source>Choose &amp;output folder...</source>
        <translation>出力フォルダーを選択(&amp;O)...</translation>
    </message>
    <message>
        <source>Choose where the results go</source>
        <translation>結果の保存先を選択します</translation>
    </message>
    <message>
        <source>Open output &amp;folder</source>
        <translation>出力フォルダーを開く(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Save log...</source>
        <translation>ログを保存(&amp;S)...</translation>
    </message>
    <message>
        <source>Save the log to a text file</source>
        <translation>ログをテキストファイルに保存します</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>終了(&amp;Q)</translation>
    </message>
    <message>
        <source>Close the window</source>
        <translation>ウィンドウを閉じます</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>編集(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;Copy log</source>
        <translation>ログをコピー(&amp;C)</translation>
    </message>
    <message>
        <source>Copy the whole log</source>
        <translation>ログ全体をコピーします</translation>
    </message>
    <message>
        <source>C&amp;lear log</source>
        <translation>ログを消去(&amp;L)</translation>
    </message>
    <message>
        <source>Empty the log</source>
        <translation>ログを空にします</translation>
    </message>
    <message>
        <source>&amp;Reset folders</source>
        <translation>フォルダーをリセット(&amp;R)</translation>
    </message>
    <message>
        <source>Use the default folders beside the app again</source>
        <translation>アプリの横にある既定のフォルダーに戻します</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>表示(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Toggle before / after</source>
        <translation>修復前／修復後の切り替え(&amp;T)</translation>
    </message>
    <message>
        <source>Show only before, only after, or both split</source>
        <translation>修復前のみ、修復後のみ、または両方を分割して表示します</translation>
    </message>
    <message>
        <source>&amp;Fit</source>
        <translation>全体表示(&amp;F)</translation>
    </message>
    <message>
        <source>Fit the picture in the view</source>
        <translation>画像をビューに合わせます</translation>
    </message>
    <message>
        <source>Zoom &amp;in</source>
        <translation>拡大(&amp;I)</translation>
    </message>
    <message>
        <source>Zoom in</source>
        <translation>拡大</translation>
    </message>
    <message>
        <source>Zoom &amp;out</source>
        <translation>縮小(&amp;O)</translation>
    </message>
    <message>
        <source>Zoom out</source>
        <translation>縮小</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>ヘルプ(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;About decensor</source>
        <translation>decensor について(&amp;A)</translation>
    </message>
    <message>
        <source>Version and the models&apos; cards: what they were trained on, licences</source>
        <translation>バージョンと各モデルの情報：学習データとライセンス</translation>
    </message>
    <message>
        <source>About &amp;Qt</source>
        <translation>Qt について(&amp;Q)</translation>
    </message>
    <message>
        <source>The Qt version</source>
        <translation>Qt のバージョン</translation>
    </message>
    <message>
        <source>the saved {key} folder {folder} no longer exists: using {other}</source>
        <translation>保存されていた{key}フォルダー {folder} はもうありません：{other} を使います</translation>
    </message>
    <message>
        <source>the {key} folder {folder} does not exist: choose one (File menu)</source>
        <translation>{key}フォルダー {folder} がありません：選択してください（ファイル メニュー）</translation>
    </message>
    <message>
        <source>input</source>
        <translation>入力</translation>
    </message>
    <message>
        <source>originals</source>
        <translation>元画像</translation>
    </message>
    <message>
        <source>output</source>
        <translation>出力</translation>
    </message>
    <message>
        <source>Default {censor} model: {error}</source>
        <translation>既定の {censor} モデル：{error}</translation>
    </message>
    <message>
        <source> - default</source>
        <translation> - 既定</translation>
    </message>
    <message>
        <source>classical method</source>
        <translation>古典的手法</translation>
    </message>
    <message>
        <source>learned model</source>
        <translation>学習済みモデル</translation>
    </message>
    <message>
        <source>The model that restores, exactly this one: {tip}</source>
        <translation>修復に使うモデル（必ずこのモデル）：{tip}</translation>
    </message>
    <message>
        <source>Loading model {name}...</source>
        <translation>モデル {name} を読み込み中...</translation>
    </message>
    <message>
        <source>cannot load model {name}: {error}</source>
        <translation>モデル {name} を読み込めません：{error}</translation>
    </message>
    <message>
        <source>Model {name} cannot be loaded</source>
        <translation>モデル {name} を読み込めません</translation>
    </message>
    <message>
        <source>Ready (model {name} loaded)</source>
        <translation>準備完了（モデル {name} を読み込みました）</translation>
    </message>
    <message>
        <source>cannot start: {problem}</source>
        <translation>開始できません：{problem}</translation>
    </message>
    <message>
        <source>average of 8 flips</source>
        <translation>8 方向の反転の平均</translation>
    </message>
    <message>
        <source>{count} variation(s)</source>
        <translation>バリエーション {count} 個</translation>
    </message>
    <message>
        <source>Decensoring {folder} ({censor}, model {model}, {results})</source>
        <translation>{folder} を修復中（{censor}、モデル {model}、{results}）</translation>
    </message>
    <message>
        <source>Working...</source>
        <translation>処理中...</translation>
    </message>
    <message>
        <source>Loading model {name} (once per session)...</source>
        <translation>モデル {name} を読み込み中（セッションごとに 1 回）...</translation>
    </message>
    <message>
        <source>files</source>
        <translation>ファイル</translation>
    </message>
    <message>
        <source>regions</source>
        <translation>領域</translation>
    </message>
    <message>
        <source>Cancelling after the current region...</source>
        <translation>現在の領域が終わったらキャンセルします...</translation>
    </message>
    <message>
        <source>files %v of %m</source>
        <translation>ファイル %v / %m</translation>
    </message>
    <message>
        <source>regions %v of %m</source>
        <translation>領域 %v / %m</translation>
    </message>
    <message>
        <source>{name}: file {done} of {count}</source>
        <translation>{name}：ファイル {done} / {count}</translation>
    </message>
    <message>
        <source>{output}
compared with {before}</source>
        <translation>{output}
比較対象：{before}</translation>
    </message>
    <message>
        <source>restored {name} -&gt; {outputs} ({seconds} s)</source>
        <translation>{name} を修復 -&gt; {outputs}（{seconds} 秒）</translation>
    </message>
    <message>
        <source>warning {name}: {warning}</source>
        <translation>警告 {name}：{warning}</translation>
    </message>
    <message>
        <source>skipped</source>
        <translation>スキップ</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>失敗</translation>
    </message>
    <message>
        <source>{status} {name}: {error}</source>
        <translation>{status} {name}：{error}</translation>
    </message>
    <message>
        <source>{name} (earlier result)</source>
        <translation>{name}（以前の結果）</translation>
    </message>
    <message>
        <source>{count} earlier result(s) in {folder}</source>
        <translation>{folder} に以前の結果が {count} 個あります</translation>
    </message>
    <message>
        <source>{restored} restored, {skipped} skipped, {failed} failed</source>
        <translation>修復 {restored}、スキップ {skipped}、失敗 {failed}</translation>
    </message>
    <message>
        <source> ({count} with a warning: see the log)</source>
        <translation>（警告あり {count} 件：ログを参照）</translation>
    </message>
    <message>
        <source> - cancelled</source>
        <translation> - キャンセルしました</translation>
    </message>
    <message>
        <source>could not start: {message}</source>
        <translation>開始できませんでした：{message}</translation>
    </message>
    <message>
        <source>Save log</source>
        <translation>ログを保存</translation>
    </message>
    <message>
        <source>Text files (*.txt);;All files (*)</source>
        <translation>テキストファイル (*.txt);;すべてのファイル (*)</translation>
    </message>
    <message>
        <source>cannot save the log to {target}: {error}</source>
        <translation>ログを {target} に保存できません：{error}</translation>
    </message>
    <message>
        <source>Log saved to {target}</source>
        <translation>ログを {target} に保存しました</translation>
    </message>
    <message>
        <source>cannot create output folder {folder}: {error}</source>
        <translation>出力フォルダー {folder} を作成できません：{error}</translation>
    </message>
    <message>
        <source>no file manager could open the output folder; it is {folder}</source>
        <translation>出力フォルダーを開けるファイルマネージャーがありません。フォルダーは {folder} です</translation>
    </message>
    <message>
        <source>Open {name} in the painter to fix its mask</source>
        <translation>{name} をペイントツールで開いてマスクを直します</translation>
    </message>
    <message>
        <source>Show the folder of {result} in the file manager</source>
        <translation>{result} のあるフォルダーをファイルマネージャーで表示します</translation>
    </message>
    <message>
        <source>Restore {name} again, replacing only its own result</source>
        <translation>{name} を修復し直し、その画像の結果だけを置き換えます</translation>
    </message>
    <message>
        <source>no file manager could open the folder of {name}; it is {folder}</source>
        <translation>{name} のフォルダーを開けるファイルマネージャーがありません。フォルダーは {folder} です</translation>
    </message>
    <message>
        <source>Choose a folder</source>
        <translation>フォルダーを選択</translation>
    </message>
    <message>
        <source>a batch is running: decensor the picture when it ends</source>
        <translation>バッチを実行中です：終わってからこの画像を修復してください</translation>
    </message>
    <message>
        <source>input folder: {folder}</source>
        <extracomment>The old name of :meth:`decensor_picture`.</extracomment>
        <translation>入力フォルダー：{folder}</translation>
    </message>
</context>
<context>
    <name>PaintCanvas</name>
    <message>
        <source>brush</source>
        <translation>ブラシ</translation>
    </message>
    <message>
        <source>eraser</source>
        <translation>消しゴム</translation>
    </message>
    <message>
        <source>rectangle</source>
        <translation>矩形</translation>
    </message>
    <message>
        <source>lasso</source>
        <translation>なげなわ</translation>
    </message>
    <message>
        <source>{verb} ({tool})</source>
        <translation>{verb}（{tool}）</translation>
    </message>
    <message>
        <source>erase</source>
        <translation>消す</translation>
    </message>
    <message>
        <source>paint</source>
        <translation>塗る</translation>
    </message>
</context>
<context>
    <name>PainterWindow</name>
    <message>
        <source>Save As...</source>
        <extracomment>The tools&apos; shortcuts, in the order of :data:`TOOLS`. Called at open and save time: (input folder, originals folder, censor type) as now chosen. The open dialog&apos;s filter: both cases, as file dialogs may match case-sensitively. Default overlay: the censor green at 55% opacity, so the picture stays visible under it. Buttons that drag to pan, in the painter as in the before/after view; left uses the tool. Zoom limits (picture pixel -&gt; widget pixels), as :meth:`ZoomPan.zoom` clamps them. The text of the &quot;Save As...&quot; button in questions that offer it.</extracomment>
        <translation>名前を付けて保存...</translation>
    </message>
    <message>
        <source>Clear mask</source>
        <extracomment>How many pictures File &gt; Open Recent lists, and its settings key (a list of paths, the latest first). The whole-mask edits of the Edit menu: shortcuts as for a selection in painting programs (Ctrl+A select all, Ctrl+D deselect, Ctrl+I invert), none of them taken in the painter.</extracomment>
        <translation>マスクを消去</translation>
    </message>
    <message>
        <source>Invert mask</source>
        <translation>マスクを反転</translation>
    </message>
    <message>
        <source>Fill mask</source>
        <translation>マスクで塗りつぶす</translation>
    </message>
    <message>
        <source>Open a picture (Ctrl+O) or drop one here</source>
        <extracomment>Where Save writes the greened file once Save As chose it (None: input folder). The mask holds regions &quot;Detect mosaic&quot; found: it is a mosaic&apos;s, not a bar&apos;s.</extracomment>
        <translation>画像を開く (Ctrl+O) か、ここにドロップしてください</translation>
    </message>
    <message>
        <source>File</source>
        <translation>ファイル</translation>
    </message>
    <message>
        <source>Open...</source>
        <translation>開く...</translation>
    </message>
    <message>
        <source>Open a picture</source>
        <translation>画像を開く</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Save the greened picture (input folder)</source>
        <translation>緑で塗った画像を保存します（入力フォルダー）</translation>
    </message>
    <message>
        <source>Save the greened picture under another name</source>
        <translation>緑で塗った画像を別の名前で保存します</translation>
    </message>
    <message>
        <source>Save and decensor</source>
        <translation>保存して修復</translation>
    </message>
    <message>
        <source>Save, then restore this picture now</source>
        <translation>保存してから、この画像をすぐに修復します</translation>
    </message>
    <message>
        <source>Edit</source>
        <translation>編集</translation>
    </message>
    <message>
        <source>Tools</source>
        <translation>ツール</translation>
    </message>
    <message>
        <source>Brush: paint green (Shift+drag erases)</source>
        <translation>ブラシ：緑で塗る（Shift＋ドラッグで消去）</translation>
    </message>
    <message>
        <source>Eraser: erase back to the picture</source>
        <translation>消しゴム：元の画像に戻す</translation>
    </message>
    <message>
        <source>Rectangle: drag a box</source>
        <translation>矩形：ドラッグで四角形を描く</translation>
    </message>
    <message>
        <source>Lasso: draw around an area to fill it</source>
        <translation>なげなわ：領域を囲んで塗りつぶす</translation>
    </message>
    <message>
        <source>Brush</source>
        <translation>ブラシ</translation>
    </message>
    <message>
        <source>Eraser</source>
        <translation>消しゴム</translation>
    </message>
    <message>
        <source>Rectangle</source>
        <translation>矩形</translation>
    </message>
    <message>
        <source>Lasso</source>
        <translation>なげなわ</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>サイズ</translation>
    </message>
    <message>
        <source> px</source>
        <translation> px</translation>
    </message>
    <message>
        <source>Brush and eraser diameter in picture pixels ([ and ] change it)</source>
        <translation>ブラシと消しゴムの直径（画像のピクセル単位、[ と ] で変更）</translation>
    </message>
    <message>
        <source>Smaller</source>
        <translation>小さく</translation>
    </message>
    <message>
        <source>Smaller brush</source>
        <translation>ブラシを小さく</translation>
    </message>
    <message>
        <source>Larger</source>
        <translation>大きく</translation>
    </message>
    <message>
        <source>Larger brush</source>
        <translation>ブラシを大きく</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>元に戻す</translation>
    </message>
    <message>
        <source>Redo</source>
        <translation>やり直し</translation>
    </message>
    <message>
        <source>Undo {what}</source>
        <translation>元に戻す {what}</translation>
    </message>
    <message>
        <source>Redo {what}</source>
        <translation>やり直し {what}</translation>
    </message>
    <message>
        <source>Detect mosaic</source>
        <translation>モザイク検出</translation>
    </message>
    <message>
        <source>Find mosaics and add them to the mask (check the result)</source>
        <translation>モザイクを見つけてマスクに追加します（結果を確認してください）</translation>
    </message>
    <message>
        <source>Erase the whole mask (green without an original stays)</source>
        <translation>マスク全体を消します（元画像のない緑は残ります）</translation>
    </message>
    <message>
        <source>Mask what is not masked, and unmask what is</source>
        <translation>マスクされていない部分をマスクし、マスクされている部分を外します</translation>
    </message>
    <message>
        <source>Mask the whole picture</source>
        <translation>画像全体をマスクします</translation>
    </message>
    <message>
        <source>View</source>
        <translation>表示</translation>
    </message>
    <message>
        <source>Zoom in</source>
        <translation>拡大</translation>
    </message>
    <message>
        <source>Zoom out</source>
        <translation>縮小</translation>
    </message>
    <message>
        <source>Fit</source>
        <translation>全体表示</translation>
    </message>
    <message>
        <source>Fit the picture to the window</source>
        <translation>画像をウィンドウに合わせます</translation>
    </message>
    <message>
        <source>Zoom: screen pixels per picture pixel</source>
        <translation>ズーム：画像 1 ピクセルあたりの画面ピクセル数</translation>
    </message>
    <message>
        <source>Overlay colour</source>
        <translation>表示色</translation>
    </message>
    <message>
        <source>Colour the mask is shown in (the saved mask stays green)</source>
        <translation>マスクを表示する色（保存されるマスクは緑のまま）</translation>
    </message>
    <message>
        <source> Opacity </source>
        <translation> 不透明度 </translation>
    </message>
    <message>
        <source>Opacity of the mask on screen</source>
        <translation>画面上のマスクの不透明度</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>ファイル(&amp;F)</translation>
    </message>
    <message>
        <source>Open &amp;Recent</source>
        <translation>最近使ったファイル(&amp;R)</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>閉じる</translation>
    </message>
    <message>
        <source>Close the painter</source>
        <translation>ペイントツールを閉じます</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>編集(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;Tools</source>
        <translation>ツール(&amp;T)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>表示(&amp;V)</translation>
    </message>
    <message>
        <source>Overlay colour...</source>
        <translation>表示色...</translation>
    </message>
    <message>
        <source>Clear list</source>
        <translation>一覧を消去</translation>
    </message>
    <message>
        <source>Forget the pictures opened last</source>
        <translation>最近開いた画像の一覧を消去します</translation>
    </message>
    <message>
        <source>{path} no longer exists</source>
        <translation>{path} はもうありません</translation>
    </message>
    <message>
        <source>Unsaved painting</source>
        <translation>未保存のペイント</translation>
    </message>
    <message>
        <source>The mask of {name} has changes that are not saved. Save them before {doing}?</source>
        <translation>{name} のマスクに保存されていない変更があります。{doing}前に保存しますか？</translation>
    </message>
    <message>
        <source>continuing</source>
        <translation>続行する</translation>
    </message>
    <message>
        <source>Paint the censor mask</source>
        <translation>検閲マスクを描く</translation>
    </message>
    <message>
        <source>opening {name}</source>
        <translation>{name} を開く</translation>
    </message>
    <message>
        <source>Cannot open</source>
        <translation>開けません</translation>
    </message>
    <message>
        <source>Paint the censor mask - {name}[*]</source>
        <translation>検閲マスクを描く - {name}[*]</translation>
    </message>
    <message>
        <source> - no clean original found: existing green stays</source>
        <translation> - 緑のない元画像が見つかりません：既存の緑はそのまま残ります</translation>
    </message>
    <message>
        <source>opening another picture</source>
        <translation>別の画像を開く</translation>
    </message>
    <message>
        <source>Pictures ({patterns})</source>
        <translation>画像 ({patterns})</translation>
    </message>
    <message>
        <source>no mosaic found: paint the censored area by hand</source>
        <translation>モザイクが見つかりません：検閲された領域を手で塗ってください</translation>
    </message>
    <message>
        <source>detect mosaic</source>
        <translation>モザイク検出</translation>
    </message>
    <message>
        <source>found {count} mosaic region(s), blocks {blocks}: check them</source>
        <translation>モザイク領域が {count} 個見つかりました（ブロック {blocks}）：確認してください</translation>
    </message>
    <message>
        <source>clear mask</source>
        <translation>マスクの消去</translation>
    </message>
    <message>
        <source>invert mask</source>
        <translation>マスクの反転</translation>
    </message>
    <message>
        <source>fill mask</source>
        <translation>マスクの塗りつぶし</translation>
    </message>
    <message>
        <source>{width}x{height} - {share}% masked - left: paint, Shift+left: erase, right drag or space+drag: pan, wheel: zoom</source>
        <translation>{width}x{height} - マスク {share}% - 左：塗る、Shift＋左：消す、右ドラッグまたはスペース＋ドラッグ：移動、ホイール：ズーム</translation>
    </message>
    <message>
        <source>Cannot save</source>
        <translation>保存できません</translation>
    </message>
    <message>
        <source>not saved: the existing files were kept</source>
        <translation>保存しませんでした：既存のファイルはそのままです</translation>
    </message>
    <message>
        <source> - earlier results of it are out of date (Save and decensor redoes them)</source>
        <translation> - この画像の以前の結果は古くなりました（「保存して修復」で作り直せます）</translation>
    </message>
    <message>
        <source>saved {files}</source>
        <translation>{files} を保存しました</translation>
    </message>
    <message>
        <source>Save the greened picture as</source>
        <translation>緑で塗った画像に名前を付けて保存</translation>
    </message>
    <message>
        <source>PNG pictures (*.png)</source>
        <translation>PNG 画像 (*.png)</translation>
    </message>
    <message>
        <source>not saved</source>
        <translation>保存しませんでした</translation>
    </message>
    <message>
        <source> What is under the newly painted areas is replaced by green in that file.</source>
        <translation> そのファイルでは、新しく塗った部分の下の内容が緑に置き換わります。</translation>
    </message>
    <message>
        <source>Replace the opened file?</source>
        <translation>開いているファイルを置き換えますか？</translation>
    </message>
    <message>
        <source>Save the repainted mask over {path}?{lost} Its original without green is not changed.</source>
        <translation>塗り直したマスクを {path} に上書き保存しますか？{lost}緑のない元画像は変更されません。</translation>
    </message>
    <message>
        <source>{path} (a mask of {masked} px)</source>
        <translation>{path}（マスク {masked} px）</translation>
    </message>
    <message>
        <source>Replace existing files?</source>
        <translation>既存のファイルを置き換えますか？</translation>
    </message>
    <message>
        <source>These files exist and are another picture&apos;s or an earlier save&apos;s:
{files}

Replace them with this picture (a mask of {ours} px)?</source>
        <translation>次のファイルは既にあり、別の画像か以前の保存のものです：
{files}

この画像（マスク {ours} px）で置き換えますか？</translation>
    </message>
    <message>
        <source>Restore as a mosaic?</source>
        <translation>モザイクとして修復しますか？</translation>
    </message>
    <message>
        <source>This mask marks a mosaic (found by Detect mosaic, or the picture has an original without green), but the window is set to Bar. Restore it as a mosaic (the original is kept in the originals folder)? No restores it as a bar, inventing what is under it.</source>
        <translation>このマスクはモザイクを示しています（「モザイク検出」で見つかったか、緑のない元画像があります）が、ウィンドウは「バー」に設定されています。モザイクとして修復しますか（元画像は元画像フォルダーに保存されます）？「いいえ」を選ぶとバーとして修復し、下の内容を新たに描きます。</translation>
    </message>
    <message>
        <source>Switch to mosaic</source>
        <translation>モザイクに切り替え</translation>
    </message>
    <message>
        <source>Saved {name} and its original. Set the window&apos;s censor type to Mosaic and press Decensor to restore it.</source>
        <translation>{name} とその元画像を保存しました。ウィンドウの検閲の種類を「モザイク」にして「修復」を押すと修復されます。</translation>
    </message>
    <message>
        <source>closing the painter</source>
        <translation>ペイントツールを閉じる</translation>
    </message>
    <message>
        <source>quitting</source>
        <translation>終了する</translation>
    </message>
</context>
</TS>
